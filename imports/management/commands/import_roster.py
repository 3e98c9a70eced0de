"""python manage.py import_roster KIND FILE [--dry-run] [--user USERNAME] [--failed-rows OUT.xlsx]

The same validation and writing as the page and the admin (imports.services). Exits non-zero
when anything is wrong, and then writes nothing.
"""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports import registry
from imports.models import ImportLog
from imports.services import import_file

BAR_WIDTH = 30
MAX_LISTED_ERRORS = 50


class Command(BaseCommand):
    help = "Import a roster (xlsx or csv): validates every row, then writes all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(registry.KINDS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--user", help="import as this user (scoped to their region); default: everything")
        parser.add_argument(
            "--failed-rows", metavar="OUT.xlsx", help="write the rows with errors, plus an error column, here"
        )

    def handle(self, *args, kind, file, dry_run, user=None, failed_rows=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"unknown user {user}") from None
        else:
            account = _Everything()
        started = time.perf_counter()
        report = import_file(
            kind=kind,
            data=path.read_bytes(),
            file_name=path.name,
            user=account,
            dry_run=dry_run,
            channel=ImportLog.Channel.COMMAND,
            progress=self._progress,
        )
        elapsed = time.perf_counter() - started
        for code, text in report.file_errors:
            self.stderr.write(f"{path.name}: {text} [{code}]")
        errors = report.errors
        for error in errors[:MAX_LISTED_ERRORS]:
            self.stderr.write(f"baris {error.row}, {error.column or '-'}: {error.message} [{error.code}]")
        if len(errors) > MAX_LISTED_ERRORS:
            self.stderr.write(f"... dan {len(errors) - MAX_LISTED_ERRORS} kesalahan lain")
        if report.unknown_columns:
            self.stdout.write("Kolom tidak dikenal (diabaikan): " + ", ".join(report.unknown_columns))
        counts = report.counts
        state = "written" if report.written else ("dry run, nothing written" if report.ok else "NOTHING WRITTEN")
        self.stdout.write(
            f"{kind}: {counts['rows']} rows, {counts['new']} new, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['errors']} errors ({state}) in {elapsed:.1f} s"
        )
        if failed_rows and errors:
            Path(failed_rows).write_bytes(report.failed_rows_dataset().export("xlsx"))
            self.stdout.write(f"Baris yang gagal: {failed_rows}")
        if not report.ok:
            raise CommandError(f"{counts['errors']} error(s); nothing was written", returncode=2)

    def _progress(self, stage, done, total):
        if not sys.stderr.isatty() and done != total:
            return
        filled = int(BAR_WIDTH * done / max(total, 1))
        end = "\n" if done == total else ""
        self.stderr.write(f"\r{stage:<9} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:>7}/{total}", ending=end)
        self.stderr.flush()


class _Everything:
    """The command line is trusted: without --user it acts like a superuser (no region scope)."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    scope_region_id = None
