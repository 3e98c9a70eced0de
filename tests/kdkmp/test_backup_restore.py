"""The backup and restore of docs/deployment.md, run: pg_dump of the database (custom format),
pg_restore into an empty database, and the restored copy holds the same rows, every migration
applied (the health check's own test), and a working app."""

import os
import subprocess

import psycopg
import pytest
from django.db import connection

from cooperatives.models import Cooperative
from tests.cooperatives.factories import cooperatives_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"),
]
TABLES = ["cooperatives_region", "cooperatives_cooperative", "accounts_user", "django_migrations"]


def counts(cursor):
    return {table: cursor.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in TABLES}


def test_a_dump_restores_into_an_empty_database_with_every_row(small_jambi, tmp_path):
    cooperatives_in("15.71", 12)
    s = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": s["PASSWORD"]}
    address = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    dump = tmp_path / "kdkmp.dump"
    subprocess.run(
        ["pg_dump", *address, "--format=custom", "--no-owner", f"--file={dump}", s["NAME"]],
        env=environment,
        check=True,
        timeout=120,
    )
    restored = f"{s['NAME']}_restored"
    subprocess.run(["dropdb", *address, "--if-exists", restored], env=environment, check=True, timeout=60)
    subprocess.run(["createdb", *address, restored], env=environment, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", *address, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            env=environment,
            check=True,
            timeout=300,
        )
        with connection.cursor() as cursor:
            original = counts(cursor.cursor)
        where = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"]}
        with psycopg.connect(**where, password=s["PASSWORD"], dbname=restored) as copy:
            assert counts(copy.cursor()) == original
            assert original["cooperatives_cooperative"] == Cooperative.objects.count() == 12
            # The trigram search index (PostgreSQL only) came back too.
            trigram = copy.execute("SELECT count(*) FROM pg_indexes WHERE indexdef ILIKE '%gin_trgm%'").fetchone()[0]
            assert trigram > 0
    finally:
        subprocess.run(["dropdb", *address, "--if-exists", restored], env=environment, check=True, timeout=60)
