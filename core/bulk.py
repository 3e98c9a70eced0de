"""Bulk updates that stay fast on PostgreSQL at national size.

Django's `bulk_update` writes one `SET col = CASE WHEN id = 1 THEN ... WHEN id = 2 THEN ... END`
per column: for a 2,000-row chunk of 18 columns that is 36,000 branches in one statement, which
PostgreSQL takes 34-39 s to run (about 17 s of it JIT-compiling the expression). The same rows as
`UPDATE t SET col = v.col FROM (VALUES (...), ...) AS v(id, col) WHERE t.id = v.id` is a join
against a small constant table: 0.64 s. SQLite (3.33 and later) has UPDATE ... FROM too, and its
CASE form was as slow there: 6 s for the same chunk. Other databases keep Django's `bulk_update`.
"""

import sqlite3
from collections.abc import Sequence

from django.db import connections, models, router

# PostgreSQL binds at most 65,535 parameters in one statement (with server-side binding).
MAX_PARAMETERS = 65_000
CHARACTER_TYPES = ("varchar", "character varying", "char", "character")


def bulk_update_values(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write `fields` of `objs` (saved instances) to their rows, as `bulk_update` does: the same
    values (each field's own conversion to the database), no signals, no auto_now, no history
    (callers record it). Returns the number of rows matched."""
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    concrete = [model._meta.get_field(name) for name in fields]
    if not _has_update_from(connection) or _has_expressions(objs, concrete):
        return model._base_manager.using(using).bulk_update(objs, fields)
    for field in concrete:
        if not field.concrete or field.many_to_many or field.primary_key:
            raise ValueError(f"bulk_update_values() can only update concrete, non-key fields: {field.name}")
    pk = model._meta.pk
    columns = [pk, *concrete]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        # Every value carries its column's type: a column of NULLs (or of text like '2026-01-31')
        # would otherwise be read as text and refused by a date or integer column.
        casts = [_cast_type(field, connection) for field in columns]
        row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
        assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in concrete)
        v = f"v({', '.join(quote(f.column) for f in columns)})"
        match = f"v.{quote(pk.column)}"
        per_statement = max(1, MAX_PARAMETERS // len(columns))
    else:
        # SQLite names a VALUES table's columns column1, column2...; the target column's affinity
        # converts each value as it is stored, as for the CASE of bulk_update.
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        assignments = ", ".join(f"{quote(f.column)} = v.column{i}" for i, f in enumerate(concrete, start=2))
        v, match = "v", "v.column1"
        per_statement = max(1, connection.features.max_query_params // len(columns))
    matched = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            batch = objs[start : start + per_statement]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch for field in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(batch))})"
                f" AS {v} WHERE {table}.{quote(pk.column)} = {match}",
                params,
            )
            matched += cursor.rowcount
    return matched


def _has_update_from(connection) -> bool:
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33)
    )


def _cast_type(field: models.Field, connection) -> str:
    """The type a value is cast to in VALUES: the column's own, except that character columns are
    cast to text, so that a value too long is refused by the column (as an UPDATE with a plain
    value is) instead of being cut to the length by the cast."""
    if field.is_relation:  # a foreign key holds the type of the key it points to
        db_type = field.target_field.rel_db_type(connection)
    else:
        db_type = field.db_type(connection)
    if db_type.split("(")[0].strip().lower() in CHARACTER_TYPES:
        return "text"
    return db_type


def _has_expressions(objs: Sequence[models.Model], fields: Sequence[models.Field]) -> bool:
    """F() or other expressions as values: only Django's bulk_update compiles those."""
    return any(hasattr(getattr(obj, field.attname), "resolve_expression") for obj in objs for field in fields)
