"""The login lockout counts per username and real client address, behind the documented TLS proxy
too, and trusts X-Forwarded-For only from a configured proxy (a client can forge the header)."""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
PROXY = "10.0.0.2"  # the TLS-terminating proxy
ATTACKER, VICTIM = "203.0.113.7", "198.51.100.9"  # client A and client B
behind_proxy = override_settings(KDKMP_TRUSTED_PROXIES=[PROXY])


def attempt(client, password, remote_addr, forwarded_for=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.post(LOGIN, {"username": "staf.kerinci", "password": password}, **meta)
    client.logout()
    return response.status_code


def fail_until_locked(client, remote_addr, forwarded_for=lambda i: None):
    for i in range(settings.AXES_FAILURE_LIMIT):
        assert attempt(client, "salah-sandi", remote_addr, forwarded_for(i)) in (200, 429)


# Behind the proxy: REMOTE_ADDR is always the proxy, the client is in X-Forwarded-For.


@behind_proxy
def test_behind_the_proxy_an_attackers_failures_do_not_lock_out_another_client(client, demo, password):
    fail_until_locked(client, PROXY, lambda i: ATTACKER)
    assert attempt(client, password, PROXY, ATTACKER) == 429
    assert attempt(client, password, PROXY, VICTIM) == 302


@behind_proxy
def test_behind_the_proxy_a_forged_header_neither_dodges_nor_imposes_the_lockout(client, demo, password):
    # The proxy appends the address it saw; whatever the client wrote before that is ignored.
    fail_until_locked(client, PROXY, lambda i: f"{VICTIM}, 192.0.2.{i}, {ATTACKER}")
    assert attempt(client, password, PROXY, f"192.0.2.99, {ATTACKER}") == 429
    assert attempt(client, password, PROXY, VICTIM) == 302


@behind_proxy
def test_a_client_reaching_the_app_past_the_proxy_cannot_choose_its_address(client, demo, password):
    fail_until_locked(client, ATTACKER, lambda i: f"192.0.2.{i}")
    assert attempt(client, password, ATTACKER, "192.0.2.99") == 429
    assert attempt(client, password, VICTIM) == 302


# Without a proxy: X-Forwarded-For is the client's own text and never counts.


def test_without_a_proxy_a_forged_header_does_not_dodge_the_lockout(client, demo, password):
    assert settings.KDKMP_TRUSTED_PROXIES == []
    fail_until_locked(client, ATTACKER, lambda i: f"192.0.2.{i}")
    assert attempt(client, password, ATTACKER, "192.0.2.99") == 429


def test_without_a_proxy_a_forged_header_does_not_impose_the_lockout(client, demo, password):
    fail_until_locked(client, ATTACKER, lambda i: VICTIM)
    assert attempt(client, password, VICTIM) == 302


# The address rule itself.


def address(remote_addr, forwarded_for=None):
    from core.middleware import client_ip

    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_ip(RequestFactory().get("/", **meta))


@override_settings(KDKMP_TRUSTED_PROXIES=["10.0.0.0/24", "2001:db8::1"])
def test_client_address_is_the_rightmost_entry_not_a_trusted_proxy():
    assert address("10.0.0.2", ATTACKER) == ATTACKER
    assert address("10.0.0.2", f"{VICTIM}, {ATTACKER}, 10.0.0.5") == ATTACKER  # two proxies of ours
    assert address("2001:db8::1", f" {VICTIM} ,{ATTACKER} ") == ATTACKER
    assert address("10.0.0.2", "2001:db8:5::7") == "2001:db8:5::7"
    assert address(ATTACKER, VICTIM) == ATTACKER  # not from a proxy: the header is ignored
    assert address("10.0.0.2") == "10.0.0.2"  # no header: the proxy itself (e.g. its health check)
    # A malformed entry where the client should be: the proxy's address, never a forged one.
    assert address("10.0.0.2", f"{VICTIM}, not-an-address") == "10.0.0.2"
    assert address("10.0.0.2", f"{VICTIM}, ") == "10.0.0.2"
