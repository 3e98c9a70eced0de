from django.core.management.base import BaseCommand, CommandError

from assistants.planner import apply_plan, plan_regency
from assistants.services import AssignmentRefused
from cooperatives.models import Region


class Command(BaseCommand):
    help = "Propose BA assignments for every unassigned cooperative of a regency; --apply writes them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--regency", action="append", default=[], metavar="CODE", help="regency/city code, e.g. 15.01 (repeatable)"
        )
        parser.add_argument("--province", metavar="CODE", help="every regency/city of a province, e.g. 15")
        parser.add_argument("--apply", action="store_true", help="write the proposals (all or nothing per regency)")

    def handle(self, *args, regency, province, apply, **options):
        regencies = list(Region.objects.filter(level=Region.Level.REGENCY, code__in=regency))
        missing = set(regency) - {r.code for r in regencies}
        if missing:
            raise CommandError(f"Unknown regency code(s): {', '.join(sorted(missing))}")
        if province:
            regencies += list(Region.objects.filter(level=Region.Level.REGENCY, parent_id=province))
        if not regencies:
            raise CommandError("Give --regency CODE or --province CODE.")
        totals = {"proposed": 0, "unplaced": 0, "needed": 0, "available": 0}
        for region in sorted(regencies, key=lambda r: r.code):
            plan = plan_regency(region)
            self.stdout.write(
                f"{region.code} {region.name:<32} cooperatives {plan.cooperatives:>5,}  "
                f"proposed {len(plan.proposals):>4,}  left without BA {len(plan.unplaced):>4,}  "
                f"BAs needed {plan.bas_needed:>4,} / available {len(plan.bas):>4,}  gap {plan.gap:>3,}"
            )
            if apply and plan.proposals:
                try:
                    apply_plan(plan, by=None, reason="plan_assignments")
                except AssignmentRefused as error:
                    raise CommandError("; ".join(error.messages)) from None
            totals["proposed"] += len(plan.proposals)
            totals["unplaced"] += len(plan.unplaced)
            totals["needed"] += plan.bas_needed
            totals["available"] += len(plan.bas)
        verb = "applied" if apply else "proposed (dry run; add --apply to write)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['proposed']:,} assignments {verb}; {totals['unplaced']:,} cooperatives left without a BA; "
                f"BAs needed {totals['needed']:,}, available {totals['available']:,}, "
                f"gap {max(0, totals['needed'] - totals['available']):,}."
            )
        )
