"""Database-only indexes for PostgreSQL, shared by the migrations (the loader skips modules
whose names start with "_"). SQLite has no GIN or pg_trgm: there the operations do nothing.
The indexes are not in the models' state, so makemigrations does not see them."""

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
