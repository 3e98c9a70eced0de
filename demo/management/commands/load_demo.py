import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative, Region
from cooperatives.services import load_regions
from dashboards.boundaries import load_boundaries
from demo.assistants import seed_assignments, seed_assistants
from demo.cooperatives import seed_cooperatives
from demo.reports import seed_reports
from demo.trainings import seed_trainings
from demo.users import DEMO_PASSWORD, DEMO_USERS, seed_demo_users
from trainings.models import Cohort
from trends.services import previous_month, record_months

JAMBI = "15"


# The demo's history starts with the first outlet constructions (October 2025).
DEMO_HISTORY_FROM = dt.date(2025, 10, 1)


class Command(BaseCommand):
    help = (
        "Load the Jambi demo: regions, 1,585 cooperatives with units and boards, staff, trainings, "
        "demo logins (idempotent)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        report = load_regions([JAMBI])
        self.stdout.write(
            f"Regions of Jambi: {report.total(Region.Level.VILLAGE):,} villages ({sum(report.created.values()):,} new)."
        )
        self.stdout.write(f"Map boundaries of Jambi: {load_boundaries([JAMBI]).total('district'):,} district shapes.")
        created = seed_cooperatives(JAMBI)
        total = Cooperative.objects.filter(village__code__startswith=f"{JAMBI}.").count()
        self.stdout.write(f"Cooperatives: {total:,} ({created:,} new).")
        created = seed_assistants(JAMBI)
        staff = Assistant.objects.filter(work_area__code__startswith=JAMBI).count()
        self.stdout.write(f"Program staff (PMO, BA, other pendamping): {staff:,} ({created:,} new).")
        created = seed_assignments(JAMBI)
        active = Assignment.objects.active().filter(cooperative__village__code__startswith=f"{JAMBI}.").count()
        self.stdout.write(
            f"Active BA assignments: {active:,} ({created:,} new); {total - active:,} cooperatives still without a BA."
        )
        created = seed_trainings(JAMBI)
        self.stdout.write(f"Training cohorts: {Cohort.objects.count():,} ({created:,} new).")
        seed_demo_users()
        created = seed_reports(JAMBI)
        self.stdout.write(f"Field reports for Oct and Nov 2025: {created:,} new.")
        months = record_months(DEMO_HISTORY_FROM, previous_month(timezone.localdate()))
        self.stdout.write(f"Monthly snapshots: {len(months)} months, {DEMO_HISTORY_FROM:%B %Y} onwards.")
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.1f} s."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, _full_name, scope, group, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {group:<27} {Region.objects.get(code=scope).name}")
