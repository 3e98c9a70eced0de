"""The base of every import kind: a django-import-export ModelResource whose import goes through
one validate-all-then-write path (imports.services) instead of the library's row-by-row default.

A kind subclass declares its `columns` (header, aliases, required), loads what it needs in
`prepare` (a fixed number of queries whatever the number of rows), parses one row in `build`,
and may extend `write`. The Django admin (preview, then confirm), the "Impor data" page and the
`import_roster` command all end in `services.import_grid`, so they validate and write the same way.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db.models import CharField, DateField, DateTimeField, IntegerField, Value
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from core.bulk import bulk_update_values
from core.exports import neutralise

from . import reading
from .messages import message

# Above this many keys an `__in` list would pass SQLite's parameter cap: read in chunks, or read
# the table instead (the national staff is about 9,000 people).
IN_LIST_LIMIT = 900
# Control characters an xlsx cell cannot hold (openpyxl refuses them); a csv may carry them.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def record_history(model, pks, *, user, history_type, reason=None):
    """One history record per written row, copied by the database itself (INSERT ... SELECT,
    one statement per batch): what simple_history's bulk helpers record, without building a
    historical object per row in Python and sending it back (it doubled a national import)."""
    if not pks:
        return
    history = model.history.model
    tracked = history.tracked_fields
    rows = (
        model._base_manager.filter(pk__in=pks)
        .annotate(
            _history_date=Value(timezone.now(), output_field=DateTimeField()),
            _history_type=Value(history_type, output_field=CharField()),
            _history_user=Value(getattr(user, "pk", None), output_field=IntegerField()),
            _history_reason=Value(reason, output_field=CharField()),
        )
        .values_list(
            *[f.attname for f in tracked], "_history_date", "_history_type", "_history_user", "_history_reason"
        )
    )
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = [f.column for f in tracked] + ["history_date", "history_type", "history_user_id", "history_change_reason"]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) {sql}", params)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in templates and exports (Indonesian, like the users' own files)
    aliases: tuple = ()
    required: bool = False
    example: object = ""


@dataclass
class RowError:
    row: int  # as Excel numbers it (1-based, title rows included)
    column: str
    code: str
    message: str


@dataclass(slots=True)
class RowOutcome:
    number: int
    cells: list
    key: object = None
    instance: object = None
    action: str = ""  # "new", "update", "unchanged" or "" (row with errors)
    diff: dict = field(default_factory=dict)  # column header -> (old, new)
    errors: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    values: tuple = None  # the row's field values, kept instead of its instance (see services)
    label: str = ""  # how the preview names the record


@dataclass
class ImportReport:
    kind: str
    file_name: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)  # [(code, message)]
    unknown_columns: list = field(default_factory=list)
    written: bool = False
    dry_run: bool = True

    @property
    def errors(self):
        return [e for row in self.rows for e in row.errors]

    @property
    def ok(self):
        return not self.file_errors and not any(row.errors for row in self.rows)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self):
        return {
            "rows": len(self.rows),
            "new": self.count("new"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": len(self.errors) + len(self.file_errors),
        }

    def failed_rows_dataset(self):
        """The rows with errors as they came in, plus an error column (a file to fix and re-send)."""
        # Header cells are the user's too: neutralised like the data cells (an uploaded
        # =HYPERLINK(...) header must come back as text, not as a live formula).
        headers = [_file_cell(str(h)) for h in self.headers]
        dataset = tablib.Dataset(headers=["Baris"] + headers + ["Kesalahan"])
        width = len(self.headers)
        for row in self.rows:
            if row.errors:
                cells = [reading.text(c) if c is not None else "" for c in (row.cells or [])[:width]]
                cells += [""] * (width - len(cells))
                errors = "; ".join(f"{e.column}: {e.message}" if e.column else e.message for e in row.errors)
                dataset.append([row.number] + [_file_cell(c) for c in cells] + [_file_cell(errors)])
        return dataset


def _file_cell(value):
    """A cell of a file sent back: no formula, no character that would make the xlsx unwritable."""
    if isinstance(value, str):
        value = XLSX_ILLEGAL.sub("\ufffd", value)
    return neutralise(value)


class RowContext:
    """One row as `build` sees it: cells by column key, and a way to record errors."""

    def __init__(self, outcome, values, headers):
        self.outcome = outcome
        self.values = values
        self._headers = headers

    def has(self, key):
        return key in self.values

    def raw(self, key):
        return self.values.get(key)

    def error(self, key, code, **params):
        self.outcome.errors.append(
            RowError(self.outcome.number, self._headers.get(key, key), code, message(code, **params))
        )

    def parse(self, key, parser, *args, required=False):
        """Parse a cell; on failure record the error and return None."""
        value = self.values.get(key)
        try:
            parsed = parser(value, *args) if value is not None else None
        except reading.CellError as exc:
            self.error(key, exc.code, **exc.params)
            return None
        if required and parsed in (None, ""):
            self.error(key, "required")
        return parsed


class BulkResource(resources.ModelResource):
    """Base of every import kind; see the module docstring."""

    kind = ""
    label = ""
    columns = []
    # Fields compared for "unchanged"/"update" and written by bulk_update_values (model field names).
    compare_fields = []
    batch_size = 2000
    # Kinds whose files reach national size keep validated updates as tuples of field values too,
    # not only new rows: a Cooperative instance costs ~1.5 KB beyond its values, 83,762 of them
    # about 130 MB (their `existing` objects must be built per row, e.g. by `restore_stored`).
    updates_as_values = False

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.field_columns_cached = self.headers_by_key()
        # Import and export use the same headers, so an exported file can be re-imported.
        self.fields = OrderedDict((c.key, Field(attribute=c.key, column_name=c.header)) for c in self.columns)

    # --- headers -------------------------------------------------------------------------

    @classmethod
    def alias_map(cls):
        aliases = {}
        for column in cls.columns:
            for text in (column.key, column.header, *column.aliases):
                aliases.setdefault(reading.normalize_header(text), column.key)
        return aliases

    @classmethod
    def headers_by_key(cls):
        return {c.key: c.header for c in cls.columns}

    def extra_diff(self, existing, extra):
        """Differences outside the model's own fields (e.g. child rows): {header: (old, new)}."""
        return {}

    def missing_columns(self, present):
        """Header texts of required columns that are absent (kinds may allow alternatives)."""
        return [c.header for c in self.columns if c.required and c.key not in present]

    # --- hooks for kinds -------------------------------------------------------------------

    def prepare(self, rows):
        """Load everything the rows refer to, in a fixed number of queries."""

    def build(self, row):
        """Parse one row: return (natural key, {model field: value}, extra) or None on errors."""
        raise NotImplementedError

    def existing(self, key):
        """The stored object with this natural key, or None."""
        return None

    def new_instance(self, key, values, extra):
        return self.instantiate(values)

    def _field_order(self):
        model = self._meta.model
        if getattr(self, "_defaults_for", None) is not model:
            fields = model._meta.concrete_fields
            # Only constant defaults here; callables (none on these models) would be shared.
            self._attnames = [f.attname for f in fields]
            self._positions = {name: i for i, name in enumerate(self._attnames)}
            self._defaults = [f.get_default() for f in fields]
            self._defaults_for = model
        return self._attnames

    def instantiate(self, values):
        """Model(**values) through Django's positional fast path (about twice as fast on a
        national file); `values` is keyed by attname ("cooperative_id", not "cooperative")."""
        attnames = self._field_order()
        return self._meta.model(
            *[values.get(name, default) for name, default in zip(attnames, self._defaults, strict=True)]
        )

    def snapshot(self, instance):
        """A validated instance as a tuple of its field values (kept until the write)."""
        return tuple(getattr(instance, name) for name in self._field_order())

    def restore(self, snapshot):
        return self._meta.model(*snapshot)

    def stored_rows(self, queryset):
        """`queryset`'s objects as tuples in `_field_order`, read through a server-side cursor on
        PostgreSQL (the driver never holds the whole result). Equal dates and choice values share
        one object: a national table holds a few hundred distinct ones in each such column, and
        83,762 rows of separate objects were ~60 MB."""
        attnames = self._field_order()
        fields = self._meta.model._meta.concrete_fields
        shared_at = [
            i
            for i, f in enumerate(fields)
            if f.choices or (isinstance(f, DateField) and not isinstance(f, DateTimeField))
        ]
        memo = {}
        for row in queryset.values_list(*attnames).iterator(chunk_size=5000):
            row = list(row)
            for i in shared_at:
                value = row[i]
                if value is not None:
                    row[i] = memo.setdefault(value, value)
            yield tuple(row)

    def restore_stored(self, snapshot):
        """A stored row (a tuple in `_field_order`) as a saved instance: no query."""
        return self._meta.model.from_db(None, self._field_order(), snapshot)

    def check(self, outcomes):
        """Rules across rows (e.g. one chair per cooperative); record errors on outcomes."""

    def value_of(self, outcome, name):
        """A field of a validated row: from its instance (updates) or its parsed values (new)."""
        if outcome.instance is not None:
            return getattr(outcome.instance, name)
        return outcome.values[self._positions[name]]

    def write(self, outcomes, progress=None):
        """Write new and changed objects in chunks (so that child objects built per chunk, like
        business units, never exist all at once); bulk statements, no per-row queries."""
        self.written_at = timezone.now()  # one "updated" time for the whole file
        for start in range(0, len(outcomes), self.batch_size):
            chunk = outcomes[start : start + self.batch_size]
            for outcome in chunk:
                if outcome.instance is None and outcome.values is not None:
                    if outcome.action == "new":
                        outcome.instance = self.restore(outcome.values)
                    elif outcome.action == "update":
                        outcome.instance = self.restore_stored(outcome.values)
            self.write_chunk(chunk)
            for outcome in chunk:
                if outcome.values is not None:
                    outcome.instance = None  # written: let it go
            if progress:
                progress("write", min(start + self.batch_size, len(outcomes)), len(outcomes))

    def history_user(self):
        """The importing user, for history records (none for the unscoped command)."""
        return self.user if getattr(self.user, "pk", None) else None

    def write_chunk(self, outcomes):
        """Bulk writes that also leave one history record per row, by the importing user."""
        model = self._meta.model
        new = [o.instance for o in outcomes if o.action == "new"]
        changed = [o.instance for o in outcomes if o.action == "update" and o.extra.get("fields_changed")]
        model.objects.bulk_create(new)
        reason = self.history_reason()
        record_history(model, [o.pk for o in new], user=self.history_user(), history_type="+", reason=reason)
        if changed:
            # Bulk statements do not apply auto_now (e.g. Cooperative.updated_at): set it here.
            auto_now = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
            for name in set(auto_now) & set(self.compare_fields):
                for obj in changed:
                    setattr(obj, name, self.written_at)
            # One UPDATE ... FROM (VALUES ...) per chunk, not bulk_update's CASE per column.
            bulk_update_values(model, changed, self.compare_fields)
            record_history(model, [o.pk for o in changed], user=self.history_user(), history_type="~", reason=reason)

    def history_reason(self):
        """The why kept with each history record the import writes (None: none given)."""
        return None

    def describe(self, field_name, value):
        """A value as the preview shows it."""
        if value is None or value == "":
            return "–"
        return str(value)

    # --- shared helpers ----------------------------------------------------------------------

    def validate_instance(self, row, instance, present_fields, field_columns):
        """Model validation (field validators and `clean`) without per-row queries: uniqueness
        is checked in bulk by the service instead."""
        exclude = [f.name for f in instance._meta.fields if f.name not in present_fields]
        try:
            instance.clean_fields(exclude=exclude)
            instance.clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = field_columns.get(field_name, "" if field_name == NON_FIELD_ERRORS else field_name)
                for text in messages:
                    row.outcome.errors.append(RowError(row.outcome.number, column, "invalid", text))

    # --- django-import-export integration ----------------------------------------------------

    def import_data(self, *args, **kwargs):
        """Closed: the library's row-by-row import would write past the rules that
        imports.services keeps (the admin's Import button opens the one import page instead)."""
        raise NotImplementedError("Imports go through imports.services.import_file (the 'Impor data' page).")

    # --- export -----------------------------------------------------------------------------

    def get_chunk_size(self):
        """Exports read 5,000 rows (plus their prefetches) per query instead of the library's 100."""
        return 5000

    def export_value(self, instance, key):
        return getattr(instance, key, "")

    def export_field(self, field, instance, **kwargs):
        value = self.export_value(instance, field.attribute)
        return neutralise("" if value is None else value)

    @classmethod
    def template_dataset(cls):
        """Headers and one example row: the template users download."""
        dataset = tablib.Dataset(headers=[c.header for c in cls.columns])
        dataset.append([c.example for c in cls.columns])
        return dataset
