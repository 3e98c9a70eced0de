from django.core.management.base import BaseCommand

from jobs import services


class Command(BaseCommand):
    help = (
        "Fail running jobs whose worker stopped, and remove finished jobs (with their files) older "
        "than KDKMP_JOB_KEEP_HOURS. Run it from cron; new jobs also clean as they start."
    )

    def handle(self, *args, **options):
        expired = services.expire_stale()
        removed = services.clean_old()
        self.stdout.write(f"{expired} job(s) failed (worker gone), {removed} old job(s) removed")
