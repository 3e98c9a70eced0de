"""Shared fixtures. The Jambi demo (regions, 1,585 cooperatives, demo users) is loaded once per
session; tests run inside transactions on top of it."""

import pytest
from django.core.management import call_command

from accounts.models import User
from cooperatives.models import Cooperative
from demo.users import DEMO_PASSWORD


def _ensure_demo():
    # Transactional tests (browser, concurrency) flush the database afterwards: reload if gone.
    if not Cooperative.objects.exists() or not User.objects.filter(username="staf.kotajambi").exists():
        call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_demo()


@pytest.fixture
def demo(db):
    _ensure_demo()


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
