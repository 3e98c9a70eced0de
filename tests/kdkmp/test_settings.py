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


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment,
                          capture_output=True, text=True)


def test_manage_py_works_on_a_developer_machine_without_environment():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_with_a_production_key_stays_out_of_debug():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")
