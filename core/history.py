"""Readable change history (django-simple-history records) for object pages and the audit page."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    record: object
    kind: str
    changes: list = field(default_factory=list)  # [(field label, old, new)]

    @property
    def when(self):
        return self.record.history_date

    @property
    def who(self):
        return self.record.history_user

    @property
    def reason(self):
        return self.record.history_change_reason

    describe: object = None  # record -> label, from fields select_related on the history query

    @property
    def object_label(self):
        return self.describe(self.record) if self.describe else str(self.record.instance)


def _shown(model, name, value):
    """A value as a reader says it: a choice as its label ("submitted" → "dikirim"), a date in the
    one date style, a yes/no, an amount with separators; a related row's id is a _Related,
    named in one query per model afterwards (readable_changes)."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since
        return value
    if value is None or value == "":
        return value
    if getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.many_to_one:
        return _Related(field.related_model, value)
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return intcomma(value)
    return value


@dataclass
class _Related:
    model: type
    pk: object
    name: str = ""

    def __str__(self):
        return self.name or str(self.pk)


def _name_related(changes: list[Change]) -> None:
    """Every related id shown in these changes by its row's name: one query per related model."""
    pending = [v for c in changes for _label, *values in c.changes for v in values if isinstance(v, _Related)]
    by_model: dict[type, set] = {}
    for value in pending:
        by_model.setdefault(value.model, set()).add(value.pk)
    for model, pks in by_model.items():
        rows = model._base_manager.in_bulk(list(pks))
        for value in pending:
            if value.model is model and value.pk in rows:
                row = rows[value.pk]
                value.name = (row.get_full_name() or row.username) if hasattr(row, "get_full_name") else str(row)


def readable_changes(records, limit=20, related=(), describe=None):
    """records: a historical queryset, newest first. Each change is compared with the previous
    version of the same object found among the fetched records (one query in all; `related`
    are the relations `describe` reads, loaded in the same query)."""
    fetched = list(
        records.select_related("history_user", *related).order_by("-history_date", "-history_id")[: limit * 2]
    )
    model = records.model.instance_type
    older = {}
    for record in reversed(fetched):  # oldest first: remember each object's previous version
        record.previous = older.get(record.id)
        older[record.id] = record
    result = []
    for record in fetched[:limit]:
        change = Change(record=record, kind=KINDS.get(record.history_type, record.history_type), describe=describe)
        if record.history_type == "~" and record.previous is not None:
            for delta in record.diff_against(record.previous).changes:
                try:
                    label = model._meta.get_field(delta.field).verbose_name
                except Exception:  # noqa: BLE001 - a field removed since: show its name
                    label = delta.field
                change.changes.append(
                    (label, _shown(model, delta.field, delta.old), _shown(model, delta.field, delta.new))
                )
        result.append(change)
    _name_related(result)
    return result


def change_fingerprint(models):
    """A short text that changes whenever the data of these models does, in one cheap query: a
    key for caches.

    It holds the newest history record id and the newest row id of each model (one index lookup
    each). Every write the app makes (forms, services, imports, the admin, deletions) leaves a
    history record, and bulk loads without history (the demo and scale seeders) add rows with new
    ids. On PostgreSQL ids are handed out at insert, not at commit, so a long transaction can
    commit rows below the newest id: the transactions of this database still writing to these
    tables are part of the text too, and their end changes it. (SQLite runs one writer at a time,
    so ids follow commits.) Only raw SQL and queryset.update() go unseen."""
    from django.db import connection

    quote = connection.ops.quote_name
    parts, params = [], []
    tables = []
    for model in models:
        history_table, table = model.history.model._meta.db_table, model._meta.db_table
        parts.append(f"(SELECT MAX(history_id) FROM {quote(history_table)})")
        parts.append(f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)})")
        tables += [history_table, table]
    if connection.vendor == "postgresql":
        # A transaction that inserts, updates or deletes rows of a table holds a RowExclusiveLock
        # on it until it ends: those are the writers whose commit may land below the newest id.
        # Not every transaction that has an id: transaction ids are the whole cluster's (other
        # databases, other apps), and in this one a session saved, a log written or a row locked
        # FOR UPDATE change none of these figures, yet would make every reader recompute.
        parts.append(
            "(SELECT string_agg(DISTINCT virtualtransaction, '.' ORDER BY virtualtransaction) FROM pg_locks"
            " WHERE locktype = 'relation' AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND relation = ANY(%s::regclass[]))"
        )
        params.append(tables)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return "-".join(str(part or 0) for part in cursor.fetchone())
