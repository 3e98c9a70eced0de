"""Importing a roster: read, validate every row, then write everything in one transaction or
nothing. The one code path behind the admin, the "Impor data" page and `import_roster`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from . import reading, registry
from .messages import FileError, WriteRefused, message
from .models import ImportLog
from .resources import BulkResource, ImportReport, RowContext, RowOutcome

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


logger = logging.getLogger(__name__)
PROGRESS_EVERY = 2000
KEEP_CELLS_UP_TO = 20_000  # beyond, a valid row's raw cells are dropped once validated
# The preview shows the first changes only (imports.jobs.PREVIEW_ROWS, 300): in a large file the
# differences of later updates are let go once classified (~400 bytes a row, 33 MB nationally).
KEEP_DIFFS_UP_TO = 1_000
DIFF_NOT_KEPT = MappingProxyType({})


def import_file(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user: User,
    dry_run: bool,
    channel: str = ImportLog.Channel.PAGE,
    progress: Callable[[str, int, int], object] | None = None,
) -> ImportReport:
    """Import the bytes of an xlsx/csv file as `kind` on behalf of `user` (scoped to them)."""
    resource = registry.get(kind)(user=user)
    try:
        grid = reading.read_grid(data)
    except FileError as exc:
        report = ImportReport(kind=kind, file_name=file_name, dry_run=dry_run)
        report.file_errors.append((exc.code, str(exc)))
        _log(report, user, channel)
        return report
    return import_grid(
        resource=resource,
        grid=grid,
        file_name=file_name,
        user=user,
        dry_run=dry_run,
        channel=channel,
        progress=progress,
    )


def import_grid(
    *,
    resource: BulkResource,
    grid: list[list[Any]],
    file_name: str,
    user: User,
    dry_run: bool,
    channel: str = ImportLog.Channel.PAGE,
    progress: Callable[[str, int, int], object] | None = None,
) -> ImportReport:
    """Validate all rows of a grid (lists of cells, title rows allowed), then write them all in
    one transaction unless `dry_run` or any error. Returns an ImportReport; always logged.
    The grid is consumed (emptied) to keep memory flat on national files."""
    resource.user = user
    report = ImportReport(kind=resource.kind, file_name=file_name, dry_run=dry_run)
    with translation.override("id"):
        header = reading.find_header(grid, resource.alias_map())
        if header is None:
            # The required columns as the kind states them (with their alternatives, as for a
            # missing column); a kind requiring none names all of its columns.
            expected = ", ".join(resource.missing_columns(set()) or [c.header for c in resource.columns])
            report.file_errors.append(("no_header", message("no_header", expected=expected)))
            _log(report, user, channel)
            return report
        report.headers = [reading.text(c) for c in grid[header.row_index]]
        report.unknown_columns = header.unknown
        missing = resource.missing_columns(set(header.columns.values()))
        if missing:
            report.file_errors.append(("missing_columns", message("missing_columns", columns=", ".join(missing))))
            _log(report, user, channel)
            return report

        rows = []
        for offset, cells in enumerate(grid[header.row_index + 1 :], start=header.row_index + 2):
            if _values(cells, header.columns):  # blank rows between blocks are skipped, not errors
                rows.append((offset, cells))
        grid.clear()  # consumed: rows now hold the cells (memory on national files)

        def validate() -> None:
            _validate(resource, report, rows, header.columns, progress)

        if dry_run:
            validate()
        else:
            try:
                with transaction.atomic():
                    # Validation runs inside the transaction so that what is written is what
                    # was checked; any error rolls everything back.
                    validate()
                    if report.ok:
                        with tables_written() as tables:
                            resource.write(report.rows, progress)
                        report.written = True
                        if tables:
                            transaction.on_commit(partial(analyze, tables), robust=True)
                    else:
                        transaction.set_rollback(True)
            except WriteRefused as exc:  # a rule saw data changed since validation
                report.written = False
                report.file_errors.append(("invalid", message("invalid", message=str(exc))))
            except IntegrityError:  # a constraint saw a concurrent write (the same rows imported twice at once)
                logger.warning("import refused by a constraint", exc_info=True)
                report.written = False
                report.file_errors.append(("changed_meanwhile", message("changed_meanwhile")))
            except DatabaseError:  # never the database's own text (English, names tables)
                logger.exception("import failed")
                report.written = False
                report.file_errors.append(("database_error", message("database_error")))
    _log(report, user, channel)
    return report


WRITE_STATEMENT = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)


@contextmanager
def tables_written() -> Iterator[set[str]]:
    """The tables that the statements run inside write to (PostgreSQL only, the one analysed).
    Read from the SQL itself, so that whatever a kind's write calls (bulk statements, history
    copies, the assignment and training services) is covered without each declaring it."""
    tables: set[str] = set()
    if connection.vendor != "postgresql":
        yield tables
        return

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if match := WRITE_STATEMENT.match(sql):
            tables.add(match.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield tables


def analyze(tables: Iterable[str]) -> None:
    """ANALYZE the tables an import wrote, once it has committed: a bulk write can change a
    table's size by orders of magnitude before autovacuum notices, and the next import's
    queries were then planned on stale statistics (one ran 6-8 minutes). PostgreSQL only."""
    names = sorted(set(tables))
    if not names or connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(quote(name) for name in names))
    except DatabaseError:  # the import is committed; stale statistics are only slower
        logger.warning("ANALYZE after an import failed", exc_info=True)


def _values(cells: list[Any], columns: dict[int, str]) -> dict[str, Any]:
    """A row's filled cells by column key (stripped text; blank cells left out)."""
    values = {}
    for col, key in columns.items():
        cell = cells[col] if col < len(cells) else None
        if isinstance(cell, str):
            cell = cell.strip()
        if cell is not None and cell != "":
            values[key] = cell
    return values


class _ValuesOfRows:
    """Every row's values, made as they are iterated: `prepare` reads them once or twice, and
    keeping the 83,762 dicts of a national file for it cost ~45 MB."""

    def __init__(self, rows: list[tuple[int, list[Any]]], columns: dict[int, str]) -> None:
        self.rows, self.columns = rows, columns

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _number, cells in self.rows:
            yield _values(cells, self.columns)


def _validate(
    resource: BulkResource,
    report: ImportReport,
    rows: list[tuple[int, list[Any]] | None],
    columns: dict[int, str],
    progress: Callable[[str, int, int], object] | None,
) -> None:
    resource.prepare(_ValuesOfRows(rows, columns))
    headers = resource.headers_by_key()
    seen = {}
    total, updates = len(rows), 0
    for done, (number, cells) in enumerate(rows, start=1):
        rows[done - 1] = None  # the outcome replaces the raw row (memory on national files)
        values = _values(cells, columns)
        outcome = RowOutcome(number=number, cells=cells)
        row = RowContext(outcome, values, headers)
        built = resource.build(row)
        if built is not None and not outcome.errors:
            key, fields, extra = built
            outcome.key, outcome.extra = key, extra
            if key in seen:
                row.error(next(iter(values)), "duplicate_row", first=seen[key])
            else:
                seen[key] = number
                _classify(resource, row, key, fields, extra)
        if not outcome.errors and total > KEEP_CELLS_UP_TO:
            outcome.cells = None  # large files: raw cells are kept for failed rows only
            if outcome.action == "update":
                updates += 1
                if updates > KEEP_DIFFS_UP_TO:
                    outcome.diff = DIFF_NOT_KEPT  # still an update (`action`), never shown
        report.rows.append(outcome)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("validate", done, total)
    resource.check(report.rows)
    for outcome in report.rows:
        if outcome.errors:
            outcome.action = ""


def _classify(resource: BulkResource, row: RowContext, key: Any, fields: dict[str, Any], extra: dict[str, Any]) -> None:
    """New, update (with the differences) or unchanged; then model validation."""
    outcome = row.outcome
    existing = resource.existing(key)
    columns = resource.field_columns_cached
    if existing is None:
        outcome.instance = resource.new_instance(key, fields, extra)
        outcome.action = "new"
    else:
        outcome.instance = existing
        for name, value in fields.items():
            old = getattr(existing, name)
            if old != value:
                outcome.diff[columns.get(name, name)] = (resource.describe(name, old), resource.describe(name, value))
                setattr(existing, name, value)
        outcome.extra["fields_changed"] = bool(outcome.diff)
        outcome.diff.update(resource.extra_diff(existing, extra))
        outcome.action = "update" if outcome.diff else "unchanged"
    if outcome.action != "unchanged":
        resource.validate_instance(row, outcome.instance, set(fields), columns)
    outcome.label = str(outcome.instance)
    if outcome.action == "new" or resource.updates_as_values:
        # A national file would keep 83,762 model instances alive until the write; keep a tuple
        # of field values instead and rebuild the instance, chunk by chunk, when writing.
        outcome.values, outcome.instance = resource.snapshot(outcome.instance), None


def _log(report: ImportReport, user: User, channel: str) -> None:
    if report.file_errors:
        outcome = ImportLog.Outcome.REFUSED if not report.rows else ImportLog.Outcome.REJECTED
    elif not report.ok:
        outcome = ImportLog.Outcome.REJECTED
    elif report.written:
        outcome = ImportLog.Outcome.IMPORTED
    else:
        outcome = ImportLog.Outcome.PREVIEWED
    counts = report.counts
    report.log = ImportLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        file_name=(report.file_name or "").replace("\x00", "")[:255],  # PostgreSQL cannot store a NUL
        kind=report.kind,
        channel=channel,
        outcome=outcome,
        message="; ".join(text for _code, text in report.file_errors)[:2000],
        **counts,
    )
