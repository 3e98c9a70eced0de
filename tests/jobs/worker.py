"""Real worker processes (`manage.py db_worker`) against the test database: the served app's
settings, the test database's address, this process's stored files."""

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import override_settings

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user, password = quote(s["USER"]), quote(s["PASSWORD"])
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def app_environment(**extra) -> dict[str, str]:
    """The environment of a served app or a worker on the test database."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TASKS_BACKEND")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "kdkmp.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CONN_MAX_AGE": "0",
            **extra,
        }
    )
    return environment


def start_worker(*arguments: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", *arguments]
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=app_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@contextmanager
def enqueued_for_workers():
    """Jobs started in here go to the database queue, for a worker process to take."""
    with override_settings(TASKS=DATABASE_BACKEND):
        yield


def wait_for(condition, timeout=60.0, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
