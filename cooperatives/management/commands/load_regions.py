import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperatives.models import Region
from cooperatives.services import load_regions


class Command(BaseCommand):
    help = "Load the Kemendagri region list (fixtures/wilayah): some provinces or the whole nation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="province code, e.g. 15 for Jambi (repeatable)",
        )
        parser.add_argument("--all", action="store_true", help="load all 38 provinces")

    def handle(self, *args, province, all, **options):
        if not province and not all:
            raise CommandError("Give --province CODE (repeatable) or --all.")
        codes = None if all else [c.strip() for c in province]
        started = time.monotonic()
        try:
            report = load_regions(codes)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for level in Region.Level:
            self.stdout.write(
                f"{level.label:>14}: {report.total(level):>6,} "
                f"({report.created.get(level, 0):,} new, {report.updated.get(level, 0):,} updated, "
                f"{report.unchanged.get(level, 0):,} unchanged)"
            )
        self.stdout.write(self.style.SUCCESS(f"Regions loaded in {time.monotonic() - started:.1f} s."))
