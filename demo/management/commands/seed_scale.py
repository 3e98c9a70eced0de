import time

from django.core.management.base import BaseCommand

from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative
from cooperatives.services import load_regions
from demo import scale
from trainings.models import Enrollment


class Command(BaseCommand):
    help = "National-scale synthetic data over the real region list (idempotent; for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="only these provinces (default: the whole nation)",
        )

    def handle(self, *args, province, **options):
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"{message}  [{time.monotonic() - started:5.1f} s]")
            self.stdout.flush()

        progress("Regions...")
        load_regions(province or None)
        progress("Cooperatives...")
        created = scale.seed_cooperatives(progress)
        progress(f"Cooperatives: {Cooperative.objects.count():,} ({created:,} new)")
        scale.seed_staff(progress)
        progress(f"Staff: {Assistant.objects.count():,}")
        created = scale.seed_assignments(progress)
        progress(f"Active assignments: {Assignment.objects.active().count():,} ({created:,} new)")
        created = scale.seed_enrollments(progress)
        progress(f"Training enrollments: {Enrollment.objects.count():,} ({created:,} new)")
        created = scale.seed_reports(progress)
        progress(f"Monthly reports: {created:,} new")
        months = scale.seed_history(progress)
        progress(f"Monthly snapshots: {months} months")
        self.stdout.write(self.style.SUCCESS(f"National data ready in {time.monotonic() - started:.1f} s."))
