"""National-scale synthetic data over the real region list (for benchmarks and load checks).

83,762 cooperatives (one per village), ~1,100 PMO (2 per province and per regency/city),
8,000 BAs spread over the regencies in proportion to their cooperatives, and planner-made
assignments (~80,000). Deterministic and idempotent: what exists is kept, only what is missing
is created.
"""

import datetime as dt
import random
from collections import Counter

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from assistants.models import Assignment, Assistant
from assistants.planner import apply_plan, plan_regency
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region
from demo.assistants import share_by_largest_remainder
from demo.cooperatives import _milestones
from demo.trainings import BOARD_PROGRAM, STAFF_PROGRAM
from trainings.models import Cohort, Enrollment, TrainingProgram
from trends.services import month_start, previous_month, record_month

NATIONAL_BA = 8000
NATIONAL_VILLAGES = 83762
NATIONAL_ENROLLMENTS = 100_000
BATCH = 5000


def seed_cooperatives(progress):
    """One cooperative per village that has none; an office unit where the outlet operates."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE, cooperative__isnull=True).order_by("code")
    total = villages.count()
    created = 0
    batch = []
    for village in villages.iterator(chunk_size=BATCH):
        rng = random.Random(village.code)
        batch.append(
            Cooperative(
                village=village,
                name=Cooperative.official_name(village),
                kind=Cooperative.kind_for(village),
                members_count=rng.randint(40, 450),
                **_milestones(rng),
            )
        )
        if len(batch) == BATCH:
            created += _save_cooperatives(batch)
            batch = []
            progress(f"  cooperatives {created:,}/{total:,}")
    created += _save_cooperatives(batch)
    return created


@transaction.atomic
def _save_cooperatives(batch):
    if not batch:
        return 0
    Cooperative.objects.bulk_create(batch)
    operating = Cooperative.objects.filter(
        village__in=[c.village_id for c in batch if c.outlet_operating_date], business_units__isnull=True
    )
    BusinessUnit.objects.bulk_create(
        [
            BusinessUnit(
                cooperative=c,
                unit_type=BusinessUnit.Type.OFFICE,
                status=BusinessUnit.Status.OPERATING,
                started_on=c.outlet_operating_date,
            )
            for c in operating
        ]
    )
    return len(batch)


def _staff(role, area_code, index):
    """A deterministic person: NIK from the area code, a birth date and the index."""
    area = (area_code.replace(".", "") + "0101")[:6]
    born = dt.date(1980, 1, 1) + dt.timedelta(days=(index * 37) % 7000)
    rng = random.Random(f"{role}-{area_code}-{index}")
    female = index % 3 == 0
    return Assistant(
        name=f"{role} {area_code} #{index + 1}",
        nik=f"{area}{born.day + (40 if female else 0):02d}{born:%m%y}{9000 - index:04d}",
        gender="P" if female else "L",
        role=role,
        work_area_id=area_code,
        phone=f"0813{rng.randint(10_000_000, 99_999_999)}",
        contract_start=dt.date(2025, 10, 1),
        contract_end=dt.date(2026, 12, 31),
    )


@transaction.atomic
def seed_staff(progress):
    """PMO and BAs for every province and regency that has none yet."""
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).order_by("code"))
    counts = Counter(
        dict(
            Cooperative.objects.annotate(r=Substr("village_id", 1, 5))
            .values("r")
            .annotate(n=Count("pk"))
            .values_list("r", "n")
        )
    )
    # 8,000 BAs for the whole nation; proportionally fewer when only some provinces are loaded.
    total_ba = round(NATIONAL_BA * sum(counts.values()) / NATIONAL_VILLAGES)
    ba_share = share_by_largest_remainder(total_ba, {r.code: counts.get(r.code, 0) or 1 for r in regencies})
    staffed = set(Assistant.objects.values_list("work_area_id", flat=True).distinct())
    new = []
    for province in Region.objects.filter(level=Region.Level.PROVINCE):
        if province.code not in staffed:
            new += [_staff(Assistant.Role.PMO, province.code, 500 + i) for i in range(2)]  # own serials
    for regency in regencies:
        if regency.code in staffed:
            continue
        new += [_staff(Assistant.Role.PMO, regency.code, i) for i in range(2)]
        new += [_staff(Assistant.Role.BA, regency.code, 2 + i) for i in range(ba_share[regency.code])]
    Assistant.objects.bulk_create(new, batch_size=BATCH)
    progress(f"  staff {len(new):,} new")
    return len(new)


def seed_assignments(progress):
    """Planner-made assignments in every regency that has unassigned cooperatives and room."""
    created = 0
    regencies = list(Region.objects.filter(level=Region.Level.REGENCY).order_by("code"))
    for index, regency in enumerate(regencies, start=1):
        plan = plan_regency(regency)
        if plan.proposals:
            created += len(apply_plan(plan, by=None, reason="seed_scale", start_date=dt.date(2025, 10, 1)))
        if index % 50 == 0 or index == len(regencies):
            progress(f"  assignments: {index}/{len(regencies)} regencies, {created:,} new")
    return created


def seed_enrollments(progress):
    """~100,000 enrollments: every active PMO and BA in their province's two staff cohorts (a
    course and a refresher), and the chair of the board (created where missing) of cooperatives
    in their province's board cohort, up to the total. About 60% completed. Only provinces
    without the synthetic cohorts are seeded."""
    staff_program, _ = TrainingProgram.objects.get_or_create(title=STAFF_PROGRAM["title"], defaults=STAFF_PROGRAM)
    board_program, _ = TrainingProgram.objects.get_or_create(
        title="Pelatihan Pengurus KDKMP (skala nasional)",
        defaults={**BOARD_PROGRAM, "title": "Pelatihan Pengurus KDKMP (skala nasional)"},
    )
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    cooperatives = Cooperative.objects.count()
    staff_total = Assistant.objects.active().filter(role__in=["PMO", "BA"]).count()
    board_share = min(
        1, max(0, NATIONAL_ENROLLMENTS * cooperatives // NATIONAL_VILLAGES - 2 * staff_total) / max(cooperatives, 1)
    )
    created = 0
    for province in provinces:
        number = 90  # batch numbers of the synthetic cohorts, apart from the demo's
        if Cohort.objects.filter(region=province, number=number).exists():
            continue
        with transaction.atomic():
            created += _seed_province_enrollments(province, staff_program, board_program, number, board_share)
        progress(f"  enrollments: {province.name}, {created:,} new so far")
    return created


def _seed_province_enrollments(province, staff_program, board_program, number, board_share):
    day = dt.date(2025, 11, 10)
    staff = list(
        Assistant.objects.active()
        .filter(role__in=["PMO", "BA"], work_area__code__startswith=province.code)
        .values_list("pk", "work_area_id")
    )
    cooperatives = list(
        Cooperative.objects.filter(village__code__startswith=f"{province.code}.")
        .order_by("village_id")
        .values_list("pk", "village_id")
    )
    chosen = cooperatives[: round(len(cooperatives) * board_share)]
    have_chair = set(
        BoardMember.objects.filter(cooperative__in=[pk for pk, _v in chosen], position="KETUA").values_list(
            "cooperative_id", flat=True
        )
    )
    BoardMember.objects.bulk_create(
        [
            BoardMember(
                cooperative_id=pk,
                name=f"Ketua {village}",
                gender="L",
                position="KETUA",
                term_start=dt.date(2025, 5, 1),
                nik=f"{village[:8].replace('.', '')}0101{90 + index % 9}{index % 10000:04d}"[:16],
            )
            for index, (pk, village) in enumerate(chosen)
            if pk not in have_chair
        ],
        batch_size=BATCH,
    )
    chairs = dict(
        BoardMember.objects.filter(cooperative__in=[pk for pk, _v in chosen], position="KETUA").values_list(
            "cooperative_id", "pk"
        )
    )
    cohorts = {
        key: Cohort.objects.create(
            program=program,
            number=batch,
            start_date=start,
            end_date=start + dt.timedelta(days=4),
            venue=f"BPSDM {province.name}",
            organizer="Dinas Koperasi",
            region=province,
            capacity=max(1, size),
        )
        for key, program, batch, start, size in [
            ("staff", staff_program, number, day, len(staff)),
            ("refresher", staff_program, number + 1, day + dt.timedelta(days=60), len(staff)),
            ("board", board_program, number, day, len(chosen)),
        ]
    }
    status = lambda i: Enrollment.Status.COMPLETED if i % 5 < 3 else Enrollment.Status.REGISTERED  # noqa: E731
    rows = [
        Enrollment(cohort=cohorts[key], assistant_id=pk, region_id=area, status=status(i))
        for key in ("staff", "refresher")
        for i, (pk, area) in enumerate(staff)
    ]
    rows += [
        Enrollment(cohort=cohorts["board"], board_member_id=chairs[pk], region_id=village, status=status(i))
        for i, (pk, village) in enumerate(chosen)
    ]
    Enrollment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- field reports at national scale -----------------------------------------------------------

REPORT_MONTHS = 12  # Dec 2024 .. Nov 2025: about 96,000 reports and a million cooperative-months
REPORT_STATES = [("approved", 80), ("submitted", 8), ("returned", 4), ("draft", 4), ("missing", 4)]


def seed_reports(progress):
    """Twelve months of reports for every BA with a caseload (sections for each cooperative of
    the caseload, one activity for most), and field problems for about one cooperative in eight
    per month; bulk-written, no history rows. Idempotent by month."""
    from reports.models import Activity, FieldProblem, MonthlyReport, ReportCooperative
    from reports.services import due_date, month_end

    rng = random.Random(8000)
    last = dt.date(2025, 11, 1)
    months = []
    month = last
    for _ in range(REPORT_MONTHS):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    caseloads = {}
    for ba_id, cooperative_id, village in Assignment.objects.active().values_list(
        "assistant_id", "cooperative_id", "cooperative__village_id"
    ):
        caseloads.setdefault(ba_id, []).append((cooperative_id, village))
    done = set(MonthlyReport.objects.values_list("month", flat=True).distinct())
    categories = [c for c, _label in FieldProblem.Category.choices]
    created = 0
    for month in sorted(set(months) - done):
        with transaction.atomic():
            reports, states = [], []
            for ba_id in sorted(caseloads):
                state = rng.choices([s for s, _w in REPORT_STATES], weights=[w for _s, w in REPORT_STATES])[0]
                if state == "missing":
                    continue
                due = due_date(month)
                sent = due + dt.timedelta(days=rng.choice([-3, -1, 0, 0, 2]))
                submitted = None if state == "draft" else dt.datetime.combine(sent, dt.time(10), tzinfo=dt.UTC)
                reports.append(
                    MonthlyReport(
                        assistant_id=ba_id,
                        month=month,
                        status=state,
                        first_submitted_at=submitted,
                        submitted_at=submitted,
                        late=bool(submitted) and sent > due,
                    )
                )
                states.append(state)
            MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
            sections, problems = [], []
            for report in reports:
                for cooperative_id, village in caseloads[report.assistant_id]:
                    sections.append(
                        ReportCooperative(
                            report=report,
                            cooperative_id=cooperative_id,
                            accompanied_from=month,
                            accompanied_until=month_end(month),
                        )
                    )
                    if rng.random() < 0.12:
                        problems.append(
                            FieldProblem(
                                assistant_id=report.assistant_id,
                                cooperative_id=cooperative_id,
                                region_id=village,
                                report=report,
                                category=rng.choice(categories),
                                severity=rng.choice(["low", "medium", "high", "critical"]),
                                description="Kendala uji skala",
                                status=rng.choice(["open", "in_progress", "resolved", "resolved"]),
                            )
                        )
            ReportCooperative.objects.bulk_create(sections, batch_size=BATCH)
            Activity.objects.bulk_create(
                [
                    Activity(
                        section=s, date=month + dt.timedelta(days=rng.randrange(0, 27)), area="simkopdes", outcome="uji"
                    )
                    for s in sections
                    if rng.random() < 0.85
                ],
                batch_size=BATCH,
            )
            FieldProblem.objects.bulk_create(problems, batch_size=BATCH)
        created += len(reports)
        progress(
            f"  reports {month:%Y-%m}: {len(reports):,} reports, {len(sections):,} sections, {len(problems):,} problems"
        )
    return created


HISTORY_MONTHS = 12


def seed_history(progress):
    """The last twelve ended months' snapshots (trends), filled in from the dated facts, written
    again over the whole (synthetic) nation: the seed adds cooperatives to months already taken."""
    month = previous_month(timezone.localdate())
    months = []
    while len(months) < HISTORY_MONTHS and month >= dt.date(2025, 10, 1):
        months.append(month)
        month = previous_month(month)
    for month in sorted(months):
        count = record_month(month_start(month), force=True)
        progress(f"  snapshot {month:%Y-%m}: {count:,} cooperatives")
    return len(months)
