import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dashboards.boundaries import BOUNDARIES_DIR, LEVEL_FILES, load_boundaries


class Command(BaseCommand):
    help = (
        "Load the map's region boundaries (fixtures/boundaries): the 38 provinces, and the regencies "
        "and districts of some provinces or of all. Idempotent; a bad file writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="province code, e.g. 15 for Jambi (repeatable)",
        )
        parser.add_argument("--all", action="store_true", help="every province's regencies and districts")
        parser.add_argument("--directory", default=str(BOUNDARIES_DIR), help="where the .geojson.gz files are")

    def handle(self, *args, province, all, directory, **options):
        if not province and not all:
            raise CommandError("Give --province CODE (repeatable) or --all.")
        started = time.monotonic()
        verbosity = options.get("verbosity", 1)
        labels = {"province": "provinces", "regency": "regencies", "district": "districts"}

        def progress(level, done, total):
            if verbosity >= 2 or (verbosity and done == total):
                self.stdout.write(f"  {labels[level]}: {done:,}/{total:,} shaped")

        if verbosity:
            self.stdout.write(f"Reading {', '.join(name for _level, name in LEVEL_FILES)} from {Path(directory)}")
        try:
            report = load_boundaries(
                None if all else [c.strip() for c in province], directory=Path(directory), progress=progress
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for level, _filename in LEVEL_FILES if verbosity else []:
            self.stdout.write(
                f"{labels[level]:>10}: {report.total(level):>6,} "
                f"({report.created.get(level, 0):,} new, {report.updated.get(level, 0):,} updated, "
                f"{report.unchanged.get(level, 0):,} unchanged, {report.removed.get(level, 0):,} removed; "
                f"{report.points.get(level, 0):,} points drawn of {report.source_points.get(level, 0):,})"
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Boundaries loaded in {time.monotonic() - started:.1f} s."))
