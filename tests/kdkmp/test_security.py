import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def production_env():
    """The documented production environment (.env.example) with a real random key."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            env[key] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_documented_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_send_a_strict_content_security_policy(login):
    response = login("staf.kotajambi").get(reverse("cooperatives:list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_lockout_after_repeated_failures_and_recovery_after_cool_off(client, demo, password):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "staf.kerinci", "password": "salah-sandi"})
        assert response.status_code == 200  # the form again, with its error
    assert client.post(LOGIN, {"username": "staf.kerinci", "password": "salah-sandi"}).status_code == 429
    locked = client.post(LOGIN, {"username": "staf.kerinci", "password": password})
    assert locked.status_code == 429
    assert "locked-out" in locked.content.decode()
    # Another user from the same address is not locked out.
    assert client.post(LOGIN, {"username": "staf.kotajambi", "password": password}).status_code == 302
    client.logout()
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
    assert client.post(LOGIN, {"username": "staf.kerinci", "password": password}).status_code == 302


def test_password_change_ends_other_sessions(client, demo, password):
    from django.test import Client

    from accounts.models import User

    other = Client()
    other.force_login(User.objects.get(username="staf.kerinci"))
    assert other.get(reverse("cooperatives:list")).status_code == 200
    user = User.objects.get(username="staf.kerinci")
    user.set_password("sandi-baru-yang-panjang-2026")
    user.save()
    assert other.get(reverse("cooperatives:list")).status_code == 302


def test_sessions_expire_after_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
