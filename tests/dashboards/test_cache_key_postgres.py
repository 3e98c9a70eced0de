"""The dashboard's cache key on PostgreSQL moves with this database's changes to its tables only
(issue 16: it read the running transactions of the whole cluster, so writers in another database
made 28 of 30 views recompute). A writer of the dashboard's tables still counts while it runs:
its commit may land below the newest id (tests/dashboards/test_cache.py)."""

import contextlib

import psycopg
import pytest
from django.db import connection

from core.history import change_fingerprint
from dashboards.selectors import DASHBOARD_MODELS
from tests.factories import cooperatives_in

# Transactional: each key is read in its own transaction, as a page in autocommit reads it
# (PostgreSQL keeps one snapshot of its statistics views for a whole transaction).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"),
]


def connect(dbname=None, autocommit=False):
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=dbname or settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=autocommit,
    )


@contextlib.contextmanager
def open_transaction(*statements, dbname=None):
    """Another session that ran `statements` and keeps its transaction open (rolled back after)."""
    with connect(dbname) as other:
        for statement in statements:
            other.execute(statement)
        yield
        other.rollback()


@pytest.fixture
def other_database():
    """A second database in the same cluster, with a table to write to."""
    name = f"{connection.settings_dict['NAME']}_other"[:63]
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    with connect(name, autocommit=True) as other:
        other.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
    yield name
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def key():
    return change_fingerprint(DASHBOARD_MODELS)


@pytest.fixture
def cooperatives(small_jambi):
    return cooperatives_in("15.71", 3)


def test_a_writer_in_another_database_does_not_change_the_key(cooperatives, other_database):
    before = key()
    with open_transaction("INSERT INTO notes (body) VALUES ('running')", dbname=other_database):
        # A transaction completing after it moves the cluster's snapshot past the running one,
        # which the key once read (pg_snapshot_xip): the running writer is listed in it then.
        with connect(other_database, autocommit=True) as other:
            other.execute("INSERT INTO notes (body) VALUES ('committed')")
        assert key() == before
    assert key() == before


def test_open_transactions_that_change_no_figure_do_not_change_the_key(cooperatives):
    before = key()

    def commit_something_else():  # moves the snapshot past the open transactions (see above)
        with connect(autocommit=True) as other:
            other.execute("CREATE TEMP TABLE scratch (x int)")  # a transaction id, committed

    # A session saved (it has a transaction id), and cooperatives locked but not changed.
    with open_transaction(
        "INSERT INTO django_session (session_key, session_data, expire_date)"
        " VALUES ('fingerprint-test', 'x', now() + interval '1 hour')"
    ):
        commit_something_else()
        assert key() == before
    with open_transaction("SELECT id FROM cooperatives_cooperative ORDER BY id LIMIT 10 FOR UPDATE"):
        commit_something_else()
        assert key() == before
    with open_transaction("SELECT count(*) FROM cooperatives_cooperative"):  # a reader
        commit_something_else()
        assert key() == before


def test_a_writer_of_the_dashboards_tables_changes_the_key_while_it_runs_and_when_it_ends(cooperatives):
    before = key()
    with open_transaction(
        "UPDATE cooperatives_cooperative SET members_count = members_count"
        " WHERE id = (SELECT MIN(id) FROM cooperatives_cooperative)"
    ):
        during = key()
        assert during != before
        assert key() == during  # stable while it runs: readers share one entry
    assert key() == before  # rolled back: nothing changed
