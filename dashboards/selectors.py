"""Dashboard aggregates for a region inside the user's scope, grouped by its child regions.

A fixed number of queries at any size: one for the region, its breadcrumb and its child regions;
one over cooperatives (counts, milestones, coverage), one over active staff (loads, trained), one
over completed board trainings, one over operating business units. At national scope these read
~84,000 cooperatives, ~80,000 assignments and ~100,000 enrollments (~120 ms on PostgreSQL), so
the result is kept in the cache all app servers share, keyed on the newest change records: one
cheap query tells whether anything changed since (core.shared_cache, decisions 0002 and 0006).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.indicators import LIST_FIGURES
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Partnership, Region
from core import regions
from core.scoping import scope_code
from core.shared_cache import shared_figures
from trainings.models import Enrollment

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


# Child code length for each parent code length: nation → province → regency → district → village.
CHILD_LENGTH = {0: 2, 2: 5, 5: 8, 8: 13}
# The models whose changes move the figures (see change_fingerprint).
DASHBOARD_MODELS = [Cooperative, BusinessUnit, BoardMember, Partnership, Assistant, Assignment, Enrollment]
DASHBOARD_MILESTONES = [
    "legal_entity_date",
    "simkopdes_date",
    "business_plan_date",
    "loan_proposal_date",
    "outlet_operating_date",
]


@dataclass
class Row:
    """Figures for one region (a child of the dashboard's region, or the total)."""

    region: Region | None
    cooperatives: int = 0
    with_ba: int = 0
    milestones: dict = field(default_factory=dict)
    progress: dict = field(default_factory=dict)  # {indicator key: cooperatives}, cooperatives.indicators
    pmo: int = 0
    ba: int = 0
    ba_load_total: int = 0
    ba_full: int = 0
    ba_under_7: int = 0
    bas_needed: int = 0  # at the cap, summed over regencies (a BA works inside one regency)
    # A district has no staff of its own (BAs work per regency): the BAs serving its cooperatives.
    bas_serving: int | None = None

    @property
    def without_ba(self) -> int:
        return self.cooperatives - self.with_ba

    @property
    def coverage(self) -> float:
        return 100 * self.with_ba / self.cooperatives if self.cooperatives else 0

    @property
    def average_load(self) -> float:
        return self.ba_load_total / self.ba if self.ba else 0

    @property
    def gap(self) -> int:
        return max(0, self.bas_needed - self.ba)


@dataclass
class Dashboard:
    region: Region | None  # None: the whole nation
    breadcrumbs: list
    rows: list
    total: Row
    load_histogram: list  # [(load, number of BAs)] for 0..cap
    units_operating: list  # [(unit type label, type value, count)]
    capacity: int
    trained_staff: int = 0  # PMO and BA who completed a staff training
    trained_board_cooperatives: int = 0  # cooperatives with a board member who completed a board training
    training_composition: list = field(default_factory=list)  # [(role value or "board", people completed)]
    # Set when these are the previous figures, shown while another reader recomputes them.
    as_of: datetime.datetime | None = None
    # New with every computation: the page renders the HTML of these exact figures once per
    # process (templates/dashboards/dashboard.html).
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def trained_staff_share(self) -> float:
        staff = self.total.pmo + self.total.ba
        return 100 * self.trained_staff / staff if staff else 0

    @property
    def trained_board_share(self) -> float:
        return 100 * self.trained_board_cooperatives / self.total.cooperatives if self.total.cooperatives else 0

    @property
    def child_level(self) -> str | None:
        return self.rows[0].region.level if self.rows and self.rows[0].region else None


def resolve_region(user: User, code: str | None) -> tuple[bool, Region | None, list[Region], list[Region]]:
    """(allowed, region or None for the nation, breadcrumbs, child regions): the requested region
    if it lies in the user's scope (not allowed otherwise), or the scope itself when none is
    asked. One query."""
    scope = scope_code(user)
    if scope is None:
        return False, None, [], []
    if code and not regions.lies_in(code, scope):
        return False, None, [], []  # outside the scope: a 404, like any other page
    target = code if code and Region.level_of(code) not in (None, Region.Level.VILLAGE) else scope
    if not target:
        return True, None, [], list(Region.objects.filter(parent__isnull=True).order_by("code"))
    codes = regions.ancestors_of(target, including_self=True)
    found = list(Region.objects.filter(Q(code__in=codes) | Q(parent_id=target)).order_by("code"))
    by_code = {r.code: r for r in found}
    if target not in by_code:
        return False, None, [], []
    # The breadcrumb starts at the user's scope: a regency's staff is not offered its province,
    # which would answer 404.
    return (
        True,
        by_code[target],
        [by_code[c] for c in codes if c in by_code and regions.lies_in(c, scope)],
        [r for r in found if r.parent_id == target],
    )


def _prefix_q(field: str, code: str) -> Q:
    return Q(**{f"{field}__startswith": f"{code}."}) if code else Q()


def dashboard_for(user: User, code: str | None = None) -> Dashboard | None:
    """The dashboard of a region in the user's scope (None if it is not), from the cache while
    no change has been recorded since it was computed."""
    allowed, region, breadcrumbs, children = resolve_region(user, code)
    if not allowed:
        return None
    code = region.code if region else ""
    if not settings.KDKMP_DASHBOARD_CACHE_SECONDS:
        return compute_dashboard(region, breadcrumbs, children)
    # The regions are read fresh on every view: their names and children are part of the key.
    regions = repr([(r.code, r.name, r.parent_id) for r in [*breadcrumbs, *children]]).encode()
    regions_digest = hashlib.blake2b(regions, digest_size=8).hexdigest()
    # The day is part of the key: "updated in the last 30 days" moves at midnight.
    day = timezone.localdate().isoformat()
    dashboard, as_of = shared_figures(
        f"dashboard:{code or 'nation'}:{day}:{regions_digest}",
        DASHBOARD_MODELS,
        lambda: compute_dashboard(region, breadcrumbs, children),
    )
    dashboard.as_of = as_of  # set when these are the previous figures (decision record 0006)
    return dashboard


def compute_dashboard(region: Region | None, breadcrumbs: list[Region], children: list[Region]) -> Dashboard:
    """Figures of a region (None: the nation) grouped by its child regions, in four queries."""
    code = region.code if region else ""
    child_length = CHILD_LENGTH[len(code)]
    cap = settings.KDKMP_BA_CAPACITY

    # One pass over the cooperatives, grouped by regency (or by the finer child region below a
    # regency): counts, milestones, and coverage as membership in the set of cooperatives with an
    # active assignment (PostgreSQL hashes that set once; cheaper than joining 80,000 rows).
    group_length = max(child_length, 5)
    today = timezone.localdate()
    with_active_ba = Assignment.objects.filter(end_date__isnull=True).values("cooperative_id")
    cooperative_rows = (
        Cooperative.objects.filter(_prefix_q("village__code", code))
        .annotate(group=Substr("village_id", 1, group_length))
        .values("group")
        .annotate(
            total=Count("pk"),
            with_ba=Count("pk", filter=Q(pk__in=with_active_ba)),
            # First: the milestone counts below take the date fields' names.
            **{f"p_{i.key}": Count("pk", filter=i.q(today)) for i in LIST_FIGURES},
            **{m: Count(m) for m in DASHBOARD_MILESTONES},  # COUNT(column) counts the dates set
        )
    )
    # Every active staff member once, with the load and whether they completed a training (staff
    # only ever enroll in staff programs): an index probe per person is cheaper than counting
    # distinct people over 100,000 enrollments.
    completed_staff_training = Enrollment.objects.filter(assistant=OuterRef("pk"), status=Enrollment.Status.COMPLETED)
    staff_rows = (
        Assistant.objects.active()
        .filter(Q(work_area_id=code) | _prefix_q("work_area__code", code) if code else Q())
        .with_load()
        .annotate(trained=Exists(completed_staff_training))
        .values_list("role", "work_area_id", "load", "trained")
    )
    rows = {child.code: Row(child) for child in children}
    total = Row(region)
    cooperatives_by_regency = Counter()
    for item in cooperative_rows:
        row = rows.setdefault(item["group"][:child_length], Row(None))
        for target in (row, total):
            target.cooperatives += item["total"]
            target.with_ba += item["with_ba"]
            for m in DASHBOARD_MILESTONES:
                target.milestones[m] = target.milestones.get(m, 0) + item[m]
            for indicator in LIST_FIGURES:
                key = indicator.key
                target.progress[key] = target.progress.get(key, 0) + item[f"p_{key}"]
        cooperatives_by_regency[regions.regency_of(item["group"])] += item["total"]
    histogram = Counter()
    trained_by_role = Counter()
    for role, work_area, load, trained in staff_rows:
        trained_by_role[role] += trained
        if role not in (Assistant.Role.PMO, Assistant.Role.BA):
            continue
        child = work_area[:child_length] if len(work_area) >= child_length else None
        targets = [total] + ([rows[child]] if child in rows else [])
        for target in targets:
            if role == Assistant.Role.PMO:
                target.pmo += 1
            else:
                target.ba += 1
                target.ba_load_total += load
                target.ba_full += load >= cap
                target.ba_under_7 += load < 7
        if role == Assistant.Role.BA:
            histogram[min(load, cap)] += 1
    # BAs needed at the cap: per regency (a BA works inside one), then summed upwards.
    for regency, count in cooperatives_by_regency.items():
        needed = math.ceil(count / cap) if cap else 0
        total.bas_needed += needed
        child = regency[:child_length]
        if child_length <= 5 and child in rows:
            rows[child].bas_needed += needed
    if child_length == 8:  # a regency's districts: who serves them, from the active assignments
        serving = (
            Assignment.objects.filter(end_date__isnull=True)
            .filter(_prefix_q("cooperative__village__code", code))
            .annotate(district=Substr("cooperative__village_id", 1, 8))
            .values("district")
            .annotate(n=Count("assistant", distinct=True))
            .order_by()
        )
        for item in serving:
            if item["district"] in rows:
                rows[item["district"]].bas_serving = item["n"]
        for row in rows.values():
            if row.bas_serving is None:
                row.bas_serving = 0
    if len(code) == 8:  # a district: its own total says who serves it, not a staffing gap of its own
        total.bas_serving = (
            Assignment.objects.filter(end_date__isnull=True)
            .filter(_prefix_q("cooperative__village__code", code))
            .values("assistant")
            .distinct()
            .count()
        )
    units = dict(
        BusinessUnit.objects.filter(status=BusinessUnit.Status.OPERATING)
        .filter(_prefix_q("cooperative__village__code", code))
        .values("unit_type")
        .annotate(n=Count("pk"))
        .values_list("unit_type", "n")
    )
    dashboard = Dashboard(
        region=region,
        breadcrumbs=breadcrumbs,
        rows=[rows[c] for c in sorted(rows) if rows[c].region is not None],
        total=total,
        load_histogram=[(load, histogram.get(load, 0)) for load in range(cap + 1)],
        units_operating=[(label, value, units.get(value, 0)) for value, label in BusinessUnit.Type.choices],
        capacity=cap,
    )
    _add_training(dashboard, code, trained_by_role)
    return dashboard


def _add_training(dashboard: Dashboard, code: str, trained_by_role: Counter[str]) -> None:
    """Staff trained come with the staff query; boards: one query over completed board
    enrollments (board members only ever enroll in board programs)."""
    boards = (
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED, board_member__isnull=False)
        .filter((Q(region_id=code) | _prefix_q("region__code", code)) if code else Q())
        .aggregate(people=Count("board_member", distinct=True))
    )
    dashboard.trained_staff = trained_by_role[Assistant.Role.PMO] + trained_by_role[Assistant.Role.BA]
    # One definition (cooperatives.indicators.BOARD_TRAINED), counted with the cooperatives.
    dashboard.trained_board_cooperatives = dashboard.total.progress.get("board_trained", 0)
    dashboard.training_composition = [(role, trained_by_role[role]) for role in Assistant.Role.values] + [
        ("board", boards["people"])
    ]
