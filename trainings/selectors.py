"""Reads for the training pages: scoped querysets and aggregates in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.indicators import BOARD_TRAINED
from cooperatives.models import BoardMember, Cooperative, Region
from core.scoping import caseload_assistant_id, scope_q
from core.shared_cache import shared_figures

from .models import Attendance, Cohort, Enrollment, TrainingProgram

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


PROVINCE_CODE_LENGTH = len("15")
REGENCY_CODE_LENGTH = len("15.71")
# The staff groups the field reports by: "24 PMO, 156 BA, 38 PPKL and Dumisake".
STAFF_GROUPS = [("PMO", ["PMO"]), ("BA", ["BA"]), ("OTHER", ["PPKL", "DUMISAKE", "PROVINSI"])]
# Board positions shown on the coverage page (a board of five, then the supervisors).
COVERAGE_POSITIONS = [
    BoardMember.Position.CHAIR,
    BoardMember.Position.VICE_CHAIR_BUSINESS,
    BoardMember.Position.VICE_CHAIR_MEMBERSHIP,
    BoardMember.Position.SECRETARY,
    BoardMember.Position.TREASURER,
    BoardMember.Position.SUPERVISOR_CHAIR,
]


def programs_for(user: User) -> QuerySet[TrainingProgram]:
    return TrainingProgram.objects.for_user(user).annotate(cohort_count=Count("cohorts"))


def cohorts_for(user: User) -> QuerySet[Cohort]:
    """Cohorts the user may see, with the number of (non-withdrawn) participants the user may see:
    the counts follow the rows' scope (a BA's own login counts only its own enrollments)."""
    if caseload_assistant_id(user) is None:
        mine = scope_q(user, "enrollments__region__code")  # a prefix filter: no subquery on big lists
    else:
        mine = Q(enrollments__in=Enrollment.objects.for_user(user).values("pk"))
    mine &= ~Q(enrollments__status=Enrollment.Status.WITHDRAWN)
    return (
        Cohort.objects.for_user(user)
        .select_related("program", "region")
        .annotate(
            enrolled=Count("enrollments", filter=mine),
            completed=Count("enrollments", filter=mine & Q(enrollments__status=Enrollment.Status.COMPLETED)),
        )
    )


def participants_for(user: User) -> QuerySet[Enrollment]:
    """Enrollments in the user's scope with person, cohort and days present, for tables."""
    return (
        Enrollment.objects.for_user(user)
        .filter(cohort__in=Cohort.objects.for_user(user))
        .with_people()
        .select_related("cohort__program")
        .annotate(
            person_name=Coalesce("assistant__name", "board_member__name"),
            days_present=Count("attendance", filter=Q(attendance__present=True)),
        )
    )


@dataclass
class Composition:
    """Participants of a cohort by regency and role, against its capacity."""

    roles: list  # [(key, label)] columns in order
    rows: list  # [(region, {role key: n}, total)]
    totals: dict  # {role key: n}
    total: int
    capacity: int
    groups: list = field(default_factory=list)  # [(label, n)] e.g. PMO 24, BA 156, others 38

    @property
    def free(self) -> int:
        return max(self.capacity - self.total, 0)


def cohort_composition(cohort: Cohort, user: User) -> Composition:
    """Two queries at any size: counts grouped by (regency, role), then the regions' names.
    Counts only the participants the user may see (all of them for a province user)."""
    counts = (
        Enrollment.objects.for_user(user)
        .active()
        .filter(cohort=cohort)
        .annotate(
            regency=Substr("region_id", 1, REGENCY_CODE_LENGTH),
            role=Coalesce("assistant__role", "board_member__position"),
        )
        .values("regency", "role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_regency, totals = defaultdict(dict), defaultdict(int)
    for row in counts:
        by_regency[row["regency"]][row["role"]] = row["n"]
        totals[row["role"]] += row["n"]
    if cohort.program.audience == TrainingProgram.Audience.STAFF:
        choices = Assistant.Role.choices
    else:
        choices = BoardMember.Position.choices
    roles = [(key, label) for key, label in choices if totals.get(key)]
    regions = {r.code: r for r in Region.objects.filter(code__in=list(by_regency))}
    rows = [(regions.get(code), by_regency[code], sum(by_regency[code].values())) for code in sorted(by_regency)]
    groups = []
    if cohort.program.audience == TrainingProgram.Audience.STAFF:
        labels = {"PMO": "PMO", "BA": "BA", "OTHER": None}
        groups = [(labels[key], key, sum(totals.get(r, 0) for r in members)) for key, members in STAFF_GROUPS]
    return Composition(
        roles=roles, rows=rows, totals=dict(totals), total=sum(totals.values()), capacity=cohort.capacity, groups=groups
    )


def attendance_sheet(cohort: Cohort, user: User) -> tuple[list[Enrollment], dict[int, dict[dt.date, Attendance]]]:
    """(participants, {enrollment pk: {day: Attendance}}) in two queries, for the day sheet and
    the printable attendance list."""
    participants = list(
        Enrollment.objects.for_user(user)
        .filter(cohort=cohort)
        .active()
        .with_people()
        .order_by("region_id", "assistant__role", "board_member__cooperative__village_id", "pk")
    )
    marks = defaultdict(dict)
    for row in Attendance.objects.filter(enrollment__in=[p.pk for p in participants]).select_related("recorded_by"):
        marks[row.enrollment_id][row.day] = row
    return participants, marks


@dataclass
class CoverageRow:
    regency: Region  # the row's region: a province at national scope, else a regency
    staff: dict  # {"PMO": (trained, total), "BA": (trained, total)}
    cooperatives: int
    boards: dict  # {position: cooperatives whose holder of that position completed a board training}
    any_board: int = 0  # cooperatives with at least one board member trained (indicators.BOARD_TRAINED)


# A change to any of these changes the coverage page's figures (the cache key's fingerprint).
COVERAGE_MODELS = [Cooperative, BoardMember, Assistant, Enrollment, Assignment]


def _completed(person_field: str) -> Exists:
    """Completed a training of their audience: staff only ever enroll in staff programs and board
    members in board programs (trainings.services.enroll_many), the rule the dashboard counts by too.
    Without the join to the program, PostgreSQL estimates the rows rightly (49,000, not 466) and
    hashes them once instead of looking each one up (national board query: 188 -> 89 ms)."""
    return Exists(Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, **{person_field: OuterRef("pk")}))


def coverage_base(user: User, code: str | None) -> Region | None | bool:
    """The region whose children the coverage page lists: the chosen one if it is a province or
    regency in the user's scope; None: the user's own scope. False: not a region the user may see."""
    if code:
        levels = [Region.Level.PROVINCE, Region.Level.REGENCY]
        region = Region.objects.for_user(user).filter(code=code, level__in=levels).first()
        return region or False
    return None  # the user's own scope


def training_coverage(user: User, base: Region | None = None) -> list[CoverageRow]:
    """Per child region of `base` (the nation: provinces; a province: its regencies; a regency or
    district: its regency), in the user's scope: PMO and BA trained (completed a staff training) of
    active ones, and per board position the cooperatives whose holder completed a board training.
    Four queries at any size; cached like the dashboard, keyed on a fingerprint of the data."""
    code = base.code if base else (user.scope_region_id or "")  # a region's key is its code
    length = PROVINCE_CODE_LENGTH if not code else REGENCY_CODE_LENGTH
    # Per user: a BA's login sees only its caseload, so two users of one region may differ.
    key = f"coverage:{user.pk}:{code}:{timezone.localdate()}"
    rows, as_of = shared_figures(key, COVERAGE_MODELS, lambda: _coverage(user, code, length))
    return CoverageRows(rows, as_of=as_of)


class CoverageRows(list):
    """The coverage rows, and when they were computed if they are the previous figures, shown
    while another reader recomputes them (decision record 0006); None when current."""

    def __init__(self, rows, as_of: dt.datetime | None = None):
        super().__init__(rows)
        self.as_of = as_of


def _coverage(user: User, code: str, length: int) -> list[CoverageRow]:
    level = Region.Level.PROVINCE if length == PROVINCE_CODE_LENGTH else Region.Level.REGENCY
    within = Q(code__startswith=code[:REGENCY_CODE_LENGTH]) if code else Q()
    regions = list(Region.objects.for_user(user).filter(within, level=level).order_by("code"))
    prefix = code[:REGENCY_CODE_LENGTH]

    def under(field: str) -> Q:  # the related region's code is its key: no join
        return Q(**{f"{field}__code__startswith": prefix}) if prefix else Q()

    staff = (
        Assistant.objects.for_user(user)
        .active()
        .filter(under("work_area"), role__in=["PMO", "BA"], work_area__level=Region.Level.REGENCY)
        .annotate(trained=_completed("assistant"))
        .values("work_area_id", "role", "trained")
        .annotate(n=Count("pk"))
        .order_by()
    )
    staff_counts = defaultdict(lambda: {"PMO": [0, 0], "BA": [0, 0]})
    for row in staff:
        pair = staff_counts[row["work_area_id"][:length]][row["role"]]
        pair[1] += row["n"]
        if row["trained"]:
            pair[0] += row["n"]
    # One pass over the cooperatives: how many, and how many with a board member trained.
    cooperatives = {
        row["area"]: (row["n"], row["any_board"])
        for row in Cooperative.objects.for_user(user)
        .filter(under("village"))
        .annotate(area=Substr("village_id", 1, length))
        .values("area")
        .annotate(n=Count("pk"), any_board=Count("pk", filter=BOARD_TRAINED.q(timezone.localdate())))
        .order_by()
    }
    boards = (
        BoardMember.objects.for_user(user)
        .filter(under("cooperative__village"), position__in=COVERAGE_POSITIONS)
        .annotate(trained=_completed("board_member"))
        .filter(trained=True)
        .annotate(area=Substr("cooperative__village_id", 1, length))
        .values("area", "position")
        .annotate(n=Count("cooperative", distinct=True))
        .order_by()
    )
    board_counts = defaultdict(dict)
    for row in boards:
        board_counts[row["area"]][row["position"]] = row["n"]
    return [
        CoverageRow(
            regency=region,
            staff={role: tuple(pair) for role, pair in staff_counts[region.code].items()},
            cooperatives=cooperatives.get(region.code, (0, 0))[0],
            boards=board_counts[region.code],
            any_board=cooperatives.get(region.code, (0, 0))[1],
        )
        for region in regions
    ]


def board_trainings_for_cooperative(cooperative: Cooperative) -> QuerySet[Enrollment]:
    """A cooperative's board members' trainings, newest first (for the cooperative page's
    "Trainings" card). The caller has already found the cooperative in the user's scope, and
    these enrollments all belong to it. One query."""
    return (
        Enrollment.objects.filter(board_member__cooperative=cooperative)
        .select_related("board_member", "cohort__program")
        .order_by("-cohort__start_date", "board_member__position", "pk")
    )
