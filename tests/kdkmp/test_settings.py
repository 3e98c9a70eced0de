import os
import subprocess
import sys

from django.conf import settings


def run_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kdkmp.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True,
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
    result = run_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://u:p@db.example:5432/kdkmp")
    assert result.returncode == 0, result.stderr
    assert "False django.db.backends.postgresql" in result.stdout


def test_indonesian_is_the_default_language():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]
