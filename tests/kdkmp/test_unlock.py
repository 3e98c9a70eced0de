"""A province administrator lifts a lockout of the logins it manages from the user page, in
Indonesian, without the Django admin; nobody else and no login beyond the scope."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.users import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def lock(username, failures=5, address="10.0.0.7"):
    return AccessAttempt.objects.create(
        username=username,
        ip_address=address,
        user_agent="test",
        attempt_time=timezone.now(),
        failures_since_start=failures,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/masuk/",
    )


def test_the_user_list_marks_locked_logins_and_unlocks_them(login):
    lock("pmo.kotajambi")
    lock("pmo.kotajambi", address="10.0.0.8")
    lock("staf.kerinci", failures=2)  # below the limit: not locked
    client = login("admin.provinsi")
    response = client.get(reverse("accounts:list"))
    assert response.context["locked"] == {"pmo.kotajambi"}
    html = response.content.decode()
    pmo = User.objects.get(username="pmo.kotajambi")
    assert f'id="unlock-{pmo.pk}"' in html and "Terkunci" in html
    response = client.post(reverse("accounts:unlock", args=[pmo.pk]), follow=True)
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="pmo.kotajambi").exists()
    assert AccessAttempt.objects.filter(username="staf.kerinci").exists()
    assert any("pmo.kotajambi" in str(m) for m in response.context["messages"])


def test_an_unlocked_login_can_sign_in_again(client, demo):
    lock("pmo.kotajambi", address="127.0.0.1")  # the test client's address
    refused = client.post(reverse("login"), {"username": "pmo.kotajambi", "password": DEMO_PASSWORD})
    assert 'id="locked-out"' in refused.content.decode()
    admin = User.objects.get(username="admin.provinsi")
    client.force_login(admin)
    client.post(reverse("accounts:unlock", args=[User.objects.get(username="pmo.kotajambi").pk]))
    client.logout()
    response = client.post(reverse("login"), {"username": "pmo.kotajambi", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_who_may_not_manage_users_may_not_unlock(login):
    lock("pmo.kotajambi")
    pmo = User.objects.get(username="pmo.kotajambi")
    assert login("kepala.dinas").post(reverse("accounts:unlock", args=[pmo.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username="pmo.kotajambi").exists()
    assert login("admin.provinsi").get(reverse("accounts:unlock", args=[pmo.pk])).status_code == 405
