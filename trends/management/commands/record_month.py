"""Record the monthly snapshot (run on the first of each month, e.g. from cron):

manage.py record_month                 # the month that just ended
manage.py record_month --from 2025-10  # every ended month since October 2025 (filled in later)
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trends.services import month_start, previous_month, record_month, record_months


def _month(text):
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"“{text}” is not a month (YYYY-MM).") from None


class Command(BaseCommand):
    help = "Record the monthly snapshot of every cooperative's figures after formation."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the month that just ended)")
        parser.add_argument("--from", dest="first", help="YYYY-MM: every ended month from this one not yet recorded")
        parser.add_argument("--force", action="store_true", help="write a month again even if recorded at its end")

    def handle(self, *args, month=None, first=None, force=False, **options):
        last = previous_month(timezone.localdate())
        try:
            if first:
                done = record_months(_month(first), last)
            else:
                target = _month(month) if month else last
                done = [(month_start(target), record_month(target, force=force))]
        except ValueError as error:
            raise CommandError(str(error)) from None
        for recorded, count in done:
            self.stdout.write(f"{recorded:%Y-%m}: {count} cooperatives")
