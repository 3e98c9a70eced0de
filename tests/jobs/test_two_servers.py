"""Several machines: two app servers (gunicorn, the production configuration) and one worker on
one PostgreSQL. The upload goes to the first server, its progress is watched and it is confirmed
on the second: nothing between requests lives in a process (uploads and job results are in the
database and the storage backend, sessions in the database)."""

import http.cookiejar
import re
import secrets
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from assistants.models import Assignment
from cooperatives.models import Cooperative
from tests.cooperatives.factories import cooperatives_in
from tests.jobs.worker import app_environment, start_worker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, secret_key):
    environment = app_environment(
        SECRET_KEY=secret_key,
        DEBUG="true",  # static files without a collectstatic manifest; nothing else differs here
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        KDKMP_IMPORT_BACKGROUND_BYTES="100",
        KDKMP_DASHBOARD_REFRESH_SECONDS="0",  # every change recomputed (the lock is what is tested)
    )
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


class Browser:
    """Cookies shared by requests to either server (one user, a load balancer in front)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode(), response.headers

    def post(self, url, fields, files=None, referer=None):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (file_name, content) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", referer or url)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def log_in(self, base, username, password):
        _status, login_page, _h = self.get(base + "/masuk/")
        status, _body, _headers = self.post(
            base + "/masuk/", {"csrfmiddlewaretoken": csrf(login_page), "username": username, "password": password}
        )
        assert status == 302, status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def served_password(user, password):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password(password)  # a hash the served settings know (the tests' own is MD5)
        user.save(update_fields=["password"])


def stop(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def start_two_servers():
    """Two app servers on one database, answering: (their processes, first base URL, second)."""
    secret_key = secrets.token_urlsafe(50)
    ports = [free_port(), free_port()]
    servers = [start_server(port, secret_key) for port in ports]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base in (first, second):
            wait_for(lambda base=base: _answers(base + "/health/"), timeout=60, what=f"{base} to start")
    except BaseException:
        stop(servers)
        raise
    return servers, first, second


def test_upload_on_one_server_progress_and_confirm_on_another(small_jambi, password):
    served_password(small_jambi["admin.provinsi"], password)
    cooperatives = cooperatives_in("15.71", 5)
    rows = "Kode Desa;Jumlah Anggota\n" + "".join(f"{c.village_id};{c.members_count + 11}\n" for c in cooperatives)
    servers, first, second = start_two_servers()
    worker = start_worker("--interval", "0.2")
    try:
        browser = Browser()
        browser.log_in(first, "admin.provinsi", password)

        _status, import_page, _h = browser.get(first + "/impor/")
        status, _body, headers = browser.post(
            first + "/impor/",
            {"csrfmiddlewaretoken": csrf(import_page), "kind": "cooperatives"},
            files={"file": ("anggota.csv", rows.encode())},
        )
        assert status == 302, (status, _body[:500])
        job_path = headers["Location"]
        token = job_path.rstrip("/").rsplit("/", 1)[-1]

        def checked():
            _s, state, _h = browser.get(f"{second}/pekerjaan/{token}/kemajuan/")
            return '"status": "ready"' in state

        wait_for(checked, timeout=60, what="the check, watched on the second server")
        _status, preview, _h = browser.get(second + job_path)
        assert 'id="confirm-import"' in preview
        status, _body, headers = browser.post(
            f"{second}/impor/{token}/konfirmasi/", {"csrfmiddlewaretoken": csrf(preview)}, referer=second + job_path
        )
        assert status == 302 and headers["Location"] == job_path

        def written():
            _s, state, _h = browser.get(f"{first}/pekerjaan/{token}/kemajuan/")
            return '"status": "done"' in state

        wait_for(written, timeout=60, what="the write, watched on the first server")
        for cooperative in cooperatives:
            assert Cooperative.objects.get(pk=cooperative.pk).members_count == cooperative.members_count + 11
    finally:
        stop([*servers, worker])


def shared_dashboard_keys():
    """The dashboard entries in the shared cache's table (without the cache's ":1:" prefix)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kdkmp_shared_cache WHERE cache_key LIKE %s", [":1:dashboard:%"])
        return [key.split(":", 2)[-1] for (key,) in cursor.fetchall() if not key.endswith(":computing")]


def test_the_dashboard_computed_on_one_server_is_shared_with_the_other(small_jambi, password):
    """Decision 0006: the figures and the recompute lock live in the shared cache (the database),
    so a change is computed by one reader of all servers, and the others wait for no process of
    their own. The first server computes; while the lock is held (by "another reader": this
    test), the second server shows the first server's figures, stamped with their time."""
    from django.core.cache import caches

    from assistants.services import end_assignment
    from tests.factories import AssignmentFactory

    served_password(small_jambi["kepala.dinas"], password)
    for cooperative in cooperatives_in("15.71", 3):
        AssignmentFactory(cooperative=cooperative)
    shared = caches["shared"]
    shared.clear()
    servers, first, second = start_two_servers()
    try:
        browser = Browser()
        browser.log_in(first, "kepala.dinas", password)
        status, page, _h = browser.get(first + "/")
        assert status == 200 and 'id="data-as-of"' not in page
        (key,) = shared_dashboard_keys()
        assert shared.get(key)[2].total.with_ba == 3  # computed by the first server, stored for all

        end_assignment(assignment=Assignment.objects.active().first(), by=None, reason="uji")
        assert shared.add(f"{key}:computing", True, 60)  # a reader somewhere is recomputing it
        status, page, _h = browser.get(second + "/")
        assert status == 200 and 'id="data-as-of"' in page  # the first server's figures, stamped
        assert shared.get(key)[2].total.with_ba == 3

        shared.delete(f"{key}:computing")
        status, page, _h = browser.get(second + "/")
        assert status == 200 and 'id="data-as-of"' not in page
        assert shared.get(key)[2].total.with_ba == 2  # recomputed once, by the second, for both
        status, page, _h = browser.get(first + "/")
        assert status == 200 and 'id="data-as-of"' not in page
    finally:
        stop(servers)
        shared.clear()


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
