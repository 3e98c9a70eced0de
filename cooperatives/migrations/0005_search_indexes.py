"""Indexes for the cooperative list's free-text search at national scale (issue 16).

On PostgreSQL: the pg_trgm extension and GIN trigram indexes on the texts the search matches
(cooperatives.filters.CooperativeFilter.filter_text). Django writes icontains as
`UPPER(col::text) LIKE UPPER('%…%')` and contains as `col::text LIKE '%…%'`, so names are
indexed as UPPER(name) and phones as they are; the planner then answers `LIKE '%sungai%'` from
the index instead of reading every row.

SQLite has no GIN: there these operations do nothing. The indexes live in the database only, not
in the models' state, so makemigrations does not see them. Plain SQL rather than GinIndex(OpClass(
Upper(...))): an expression with an operator class compiles only with django.contrib.postgres in
INSTALLED_APPS, which the SQLite default does not need.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class RunSQLOnPostgreSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index(name, table, definition):
    return RunSQLOnPostgreSQL(f"CREATE INDEX {name} ON {table} {definition}", f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("cooperatives", "0004_progress_after_formation"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        index("coop_name_trgm", "cooperatives_cooperative", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("coop_phone_trgm", "cooperatives_cooperative", "USING gin (phone gin_trgm_ops)"),
        index("region_name_trgm", "cooperatives_region", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("board_name_trgm", "cooperatives_boardmember", "USING gin (UPPER(name) gin_trgm_ops)"),
        index("board_phone_trgm", "cooperatives_boardmember", "USING gin (phone gin_trgm_ops)"),
        # The full-NIK search is an equality; the (cooperative, nik) unique index cannot serve it.
        index("board_nik_idx", "cooperatives_boardmember", "(nik)"),
    ]
