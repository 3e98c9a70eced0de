import os

import pytest
from django.db import connection

from cooperatives.models import Cooperative

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"
)


def test_the_configured_database_is_used():
    # Guards CI: a DATABASE_URL for PostgreSQL must really run the suite on PostgreSQL.
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@on_postgres
def test_scope_prefix_queries_can_use_an_index(demo):
    """Scoping is LIKE 'code.%' on the village code; PostgreSQL needs a pattern-ops index for it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [Cooperative._meta.db_table])
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "varchar_pattern_ops" in definitions
