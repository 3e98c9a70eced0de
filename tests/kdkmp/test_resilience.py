"""The app when its database goes away: a dropped kept connection is replaced (health checks), an
unreachable database is a maintenance page (503), one that never answers fails in seconds, and
statements of the served app are bounded. And every error page a user can meet is in Indonesian,
the 500 and 503 pages without touching the database."""

import copy
import io
import os
import secrets
import socket
import subprocess
import sys
import time
import wsgiref.util
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import Client, override_settings
from django.urls import path, reverse

from accounts.models import User
from kdkmp import urls as app_urls

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"
)
LOGIN = reverse("login")


@contextmanager
def own_connection(**changes):
    """The default alias served by a connection of its own, as in a gunicorn worker: the test's
    connection sits in pytest-django's transaction, where Django never checks or closes it."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    settings_dict.update(changes)
    replacement = original.__class__(settings_dict, alias="default")
    connections["default"] = replacement
    try:
        yield replacement
    finally:
        replacement.close()
        connections["default"] = original


def unreachable():
    """Settings of a database that refuses connections: a closed port, or a file that cannot be."""
    if connection.vendor == "postgresql":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            return {"HOST": "127.0.0.1", "PORT": str(probe.getsockname()[1])}
    return {"NAME": "/nonexistent-directory/kdkmp.sqlite3"}


def serve(url, cookie=""):
    """One request the way gunicorn makes it, through Django's WSGI handler: its request_started
    and request_finished signals check or close kept connections (the test client mutes them)."""
    environ = {"PATH_INFO": url, "HTTP_HOST": "testserver", "HTTP_COOKIE": cookie, "wsgi.input": io.BytesIO()}
    wsgiref.util.setup_testing_defaults(environ)
    statuses = []
    body = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    body.close()  # fires request_finished, as a server does
    return int(statuses[0].split()[0])


def terminate(pid):
    """What a restart or an administrator's pg_terminate_backend does to a kept connection."""
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"],
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(50):
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.1)
    raise AssertionError(f"backend {pid} still running")


# 15. Dropped connections.


@pytest.mark.postgres
@on_postgres
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")  # no session rows
def test_pages_keep_working_after_postgres_drops_the_kept_connection(client, demo):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # connections are kept between requests
    client.force_login(User.objects.get(username="staf.kotajambi"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    pages = [reverse("home"), reverse("cooperatives:list"), reverse("assistants:list")] * 6
    with own_connection() as db:
        assert serve(pages[0], cookie) == 200
        pid = db.connection.info.backend_pid
        assert serve(pages[1], cookie) == 200
        assert db.connection.info.backend_pid == pid  # kept between requests (CONN_MAX_AGE)
        terminate(pid)
        assert [serve(page, cookie) for page in pages] == [200] * len(pages)
        assert db.connection.info.backend_pid != pid


# 16. An unreachable database: a maintenance page.


def test_login_with_the_database_unreachable_is_an_indonesian_maintenance_page(client, caplog):
    client.raise_request_exception = False
    with own_connection(**unreachable()):
        response = client.post(LOGIN, {"username": "staf.kotajambi", "password": "sandi-apa-saja"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert '<html lang="id">' in page and "sedang dalam pemeliharaan" in page
    assert "Server Error" not in page
    logged = [r for r in caplog.records if r.name == "kdkmp.views"]
    assert logged and "Database unavailable" in logged[0].getMessage()
    assert any(r.exc_info and r.exc_info[0] is OperationalError for r in caplog.records)  # Django's traceback


def test_a_logged_in_page_with_the_database_unreachable_is_the_maintenance_page(client):
    client.force_login(User.objects.create_user("tamu.uji", password="sandi-panjang-2026"))
    client.raise_request_exception = False
    with own_connection(**unreachable()):
        # The session and the user are read from the database: even the 404 page cannot render.
        assert client.get("/tidak-ada/").status_code == 503
        assert client.get(reverse("cooperatives:list")).status_code == 503


def raises(error):
    def view(request):
        raise error

    return view


def with_sqlstate(error, sqlstate):
    """A Django database error as the PostgreSQL driver raises it (its cause carries the code)."""

    class DriverError(Exception):
        pass

    cause = DriverError(str(error))
    cause.sqlstate = sqlstate
    error.__cause__ = cause
    return error


handler500 = getattr(app_urls, "handler500", None)  # the app's own handler (None: Django's)
urlpatterns = [
    path("uji/operational/", raises(OperationalError("connection to server failed"))),
    path("uji/interface/", raises(InterfaceError("connection already closed"))),
    path("uji/bug/", raises(ValueError("a bug"))),
    path("uji/refused/", raises(with_sqlstate(OperationalError("connection refused"), "08001"))),
    path("uji/deadlock/", raises(with_sqlstate(OperationalError("deadlock detected"), "40P01"))),
    path("uji/timeout/", raises(with_sqlstate(OperationalError("canceling statement"), "57014"))),
    path("uji/forbidden/", raises(PermissionDenied())),
    path("uji/bad/", raises(BadRequest())),
    *app_urls.urlpatterns,
]
with_test_urls = override_settings(ROOT_URLCONF=__name__)


@with_test_urls
@pytest.mark.parametrize("url", ["/uji/operational/", "/uji/interface/", "/uji/refused/"])
def test_database_errors_anywhere_are_the_maintenance_page(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 503 and "sedang dalam pemeliharaan" in response.content.decode()


@with_test_urls
@pytest.mark.parametrize("url", ["/uji/deadlock/", "/uji/timeout/"])
def test_a_deadlock_or_a_timeout_is_a_server_error_not_maintenance(client, url):
    """The database is up: telling the user it is under maintenance would be false."""
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 500 and "pemeliharaan" not in response.content.decode()


# 17. Timeouts.


def settings_in_subprocess(code, as_gunicorn=False, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL") and not k.startswith("DB_")
    }
    environment.update(SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="kdkmp.settings", **env)
    prelude = "import runpy; runpy.run_path('gunicorn.conf.py'); " if as_gunicorn else ""
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


OPTIONS = "import kdkmp.settings as s; print(s.DATABASES['default']['OPTIONS'])"
POSTGRES = "postgres://u:p@db.example:5432/kdkmp"


def test_postgres_connections_time_out_and_commands_have_no_statement_limit():
    result = settings_in_subprocess(OPTIONS, DATABASE_URL=POSTGRES)
    assert result.returncode == 0, result.stderr
    assert "'connect_timeout': 5" in result.stdout
    assert "-c work_mem=16MB" in result.stdout and "statement_timeout" not in result.stdout


def test_the_served_app_bounds_statements_to_30_seconds():
    result = settings_in_subprocess(OPTIONS, as_gunicorn=True, DATABASE_URL=POSTGRES)
    assert result.returncode == 0, result.stderr
    assert "'options': '-c work_mem=16MB -c jit=off -c statement_timeout=30s'" in result.stdout


def test_postgresql_jit_is_off_unless_asked_for():
    """JIT compiling cost more than the app's aggregates themselves (kdkmp/settings.py)."""
    assert "-c jit=off" in settings_in_subprocess(OPTIONS, DATABASE_URL=POSTGRES).stdout
    assert "jit" not in settings_in_subprocess(OPTIONS, DATABASE_URL=POSTGRES, PG_JIT="true").stdout


def test_timeouts_come_from_the_environment():
    result = settings_in_subprocess(
        OPTIONS, as_gunicorn=True, DATABASE_URL=POSTGRES, DB_CONNECT_TIMEOUT="3", DB_STATEMENT_TIMEOUT="120"
    )
    assert result.returncode == 0, result.stderr
    assert "'connect_timeout': 3" in result.stdout and "statement_timeout=120s" in result.stdout
    result = settings_in_subprocess(OPTIONS, as_gunicorn=True, DATABASE_URL=POSTGRES, DB_STATEMENT_TIMEOUT="0")
    assert "statement_timeout" not in result.stdout  # 0: no limit


def test_sqlite_keeps_its_busy_timeout():
    result = settings_in_subprocess(OPTIONS, as_gunicorn=True, DATABASE_URL="sqlite:////tmp/kdkmp-x.sqlite3")
    assert result.returncode == 0, result.stderr
    assert "'timeout': 20" in result.stdout and "statement_timeout" not in result.stdout


def test_a_database_that_never_answers_fails_within_the_connect_timeout():
    # A socket that accepts connections and never says a word, like a hung server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        result = settings_in_subprocess(
            "import django; django.setup(); from django.db import connection; connection.ensure_connection()",
            DATABASE_URL=f"postgres://u:p@127.0.0.1:{silent.getsockname()[1]}/kdkmp",
            DB_CONNECT_TIMEOUT="2",
        )
        elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert "OperationalError" in result.stderr and "timeout" in result.stderr
    assert elapsed < 20


@pytest.mark.postgres
@on_postgres
def test_postgres_reports_the_served_apps_statement_timeout():
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    show = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    served = settings_in_subprocess(show, as_gunicorn=True, DATABASE_URL=url)
    assert served.returncode == 0, served.stderr
    assert served.stdout.strip() == "30s"
    command = settings_in_subprocess(show, DATABASE_URL=url)
    assert command.returncode == 0, command.stderr
    assert command.stdout.strip() == "0"


# 20. Every error page a user can meet is in Indonesian.


@with_test_urls
def test_a_server_error_is_the_indonesian_500_page_without_the_database(client):
    client.raise_request_exception = False
    with own_connection(**unreachable()):
        response = client.get("/uji/bug/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="id">' in page and "Terjadi kesalahan di server" in page


@with_test_urls
def test_not_allowed_not_found_and_bad_requests_are_indonesian(login):
    client = login("ba.kotajambi")
    client.raise_request_exception = False
    for url, status, text in [
        ("/uji/forbidden/", 403, "Tidak diizinkan"),
        (reverse("accounts:list"), 403, "Tidak diizinkan"),
        ("/tidak-ada/", 404, "Halaman tidak ditemukan"),
        ("/uji/bad/", 400, "Permintaan tidak dapat dibaca"),
        ("/koperasi/?q=a%00b", 400, "Permintaan tidak dapat dibaca"),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert text in response.content.decode(), url


def test_an_expired_form_is_an_indonesian_403_page(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "staf.kotajambi", "password": "sandi"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()
