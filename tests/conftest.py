"""Shared fixtures. The Jambi demo (regions, 1,585 cooperatives, demo users) is loaded once per
session (with pytest-xdist: once per worker, each worker having its own test database); tests
run inside transactions on top of it.

Transactional tests (browser, concurrency) commit for real and the database is flushed after
each. They build what they need on a small Jambi (`small_jambi`: the real regions and the demo
logins) with the factories of tests/<app>/factories.py; only the acceptance tests that check
the demo's own figures take `demo` there, which reloads it (about 4 s) if a flush removed it."""

import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from cooperatives.models import Cooperative
from demo.users import DEMO_PASSWORD


def _demo_is_loaded():
    return Cooperative.objects.exists() and User.objects.filter(username="staf.kotajambi").exists()


def _ensure_demo():
    # Transactional tests flush the database afterwards: reload if gone.
    if not _demo_is_loaded():
        call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_demo()


@pytest.fixture(scope="session", autouse=True)
def _own_upload_dirs():
    """Import uploads and media live in directories of this process (settings_test), removed at
    the end: parallel workers and runs never share or leave files."""
    dirs = [settings.MEDIA_ROOT]
    yield
    for path in dirs:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def demo(db):
    _ensure_demo()


@pytest.fixture
def small_jambi(transactional_db):
    """For transactional tests: Jambi's real regions (about 0.2 s) and the demo logins
    ({username: user}, the demo's password), but no cooperatives, staff or trainings: each test
    makes its own with the factories."""
    from tests.factories import demo_logins, jambi_regions

    if User.objects.exists() or Cooperative.objects.exists():
        # The session's demo (no transactional test has run in this process yet) or a test's leftovers.
        call_command("flush", interactive=False, verbosity=0)
    jambi_regions()
    return demo_logins()


@pytest.fixture
def password():
    return DEMO_PASSWORD


def _login(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return client


@pytest.fixture
def login(demo, client):
    """login("staf.kotajambi") -> a test client logged in as that demo user."""
    return lambda username: _login(client, username)


@pytest.fixture
def kota_jambi_cooperative(demo):
    return Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village").first()


@pytest.fixture
def kerinci_cooperative(demo):
    return Cooperative.objects.filter(village__code__startswith="15.01.").order_by("village").first()


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs database tests first, then transactional ones, then the rest. Among the
    transactional ones, those on the demo go first: the session's demo is still there for them
    (each worker runs its tests in this order), so it is not reloaded after a flush."""
    first = next((i for i, item in enumerate(items) if _transactional(item)), len(items))
    last = next((i for i in range(len(items) - 1, -1, -1) if _transactional(items[i])), first - 1) + 1
    items[first:last] = sorted(items[first:last], key=lambda item: "demo" not in item.fixturenames)
