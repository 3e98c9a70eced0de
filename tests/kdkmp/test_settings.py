import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

KEY = secrets.token_urlsafe(50)  # a real random key


def run_settings(**env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kdkmp.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_required_when_debug_is_off(tmp_path):
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_a_key_on_sqlite():
    result = run_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3" in result.stdout


def test_production_reads_database_url():
    result = run_settings(SECRET_KEY=KEY, DATABASE_URL="postgres://u:p@db.example:5432/kdkmp")
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.postgresql" in result.stdout


def test_indonesian_is_the_default_language():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_manage_py_works_on_a_developer_machine_without_environment():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_with_a_production_key_stays_out_of_debug():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=KEY,
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")


def env_example_key():
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.partition("=")[2]
    raise AssertionError(".env.example has no SECRET_KEY line")


@pytest.mark.parametrize(
    "key",
    [
        env_example_key(),
        "change-me-to-a-long-random-string",
        "CHANGEME-please-a-long-random-string-here",
        "django-insecure-development-only",
        "django-insecure-" + "k3y" * 12,
    ],
)
def test_placeholder_keys_are_refused_when_debug_is_off(key):
    result = run_settings(SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "placeholder" in result.stderr


# The random key gets a fixed id: pytest-xdist's workers must collect the same test ids.
@pytest.mark.parametrize(
    "key", ["x" * 50, "abcdabcdabcdabcdabcdabcdabcdabcdabcd", pytest.param(KEY[:31], id="random-key-31")]
)
def test_short_or_repetitive_keys_are_refused_when_debug_is_off(key):
    result = run_settings(SECRET_KEY=key)
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_placeholder_key_is_accepted_in_debug():
    result = run_settings(DEBUG="true", SECRET_KEY=env_example_key())
    assert result.returncode == 0, result.stderr


def test_the_test_settings_key_passes_the_rules():
    assert len(settings.SECRET_KEY) >= 32 and len(set(settings.SECRET_KEY)) >= 5


def test_behind_a_proxy_the_trusted_proxies_must_be_named():
    result = run_settings(SECRET_KEY=KEY, BEHIND_PROXY="true")
    assert result.returncode != 0
    assert "BEHIND_PROXY needs TRUSTED_PROXIES" in result.stderr
    assert run_settings(SECRET_KEY=KEY, BEHIND_PROXY="true", TRUSTED_PROXIES="127.0.0.1,10.0.0.0/24").returncode == 0
    result = run_settings(SECRET_KEY=KEY, TRUSTED_PROXIES="10.0.0.300")
    assert result.returncode != 0 and "'10.0.0.300' is not an IP address" in result.stderr
