"""Reads for the assistant and assignment pages: scoped, annotated, a fixed number of queries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from cooperatives.models import Cooperative, Region
from cooperatives.selectors import REGENCY_CODE_LENGTH, cooperatives_for, regencies_for
from core import regions

from .models import Assignment, Assistant
from .planner import unassigned_cooperatives
from .services import capacity

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


def assistants_for(user: User) -> QuerySet[Assistant]:
    return Assistant.objects.for_user(user).with_load().select_related("work_area", "supervisor")


def business_assistants_of(regency_code: str) -> QuerySet[Assistant]:
    """Active BAs of a regency with their load, most room first (for the BA pickers)."""
    return (
        Assistant.objects.filter(work_area_id=regency_code)
        .active()
        .business_assistants()
        .with_load()
        .order_by("load", "name")
    )


def unassigned_for(user: User) -> QuerySet[Cooperative]:
    return unassigned_cooperatives(cooperatives_for(user))


def caseload_of(assistant: Assistant) -> QuerySet[Assignment]:
    return (
        Assignment.objects.active()
        .filter(assistant=assistant)
        .select_related("cooperative__village__parent")
        .order_by("cooperative__village_id")
    )


def history_of_assistant(assistant: Assistant) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(assistant=assistant)
        .select_related("cooperative", "assigned_by", "ended_by")
        .order_by("-start_date", "-created_at", "-pk")
    )


def history_of_cooperative(cooperative: Cooperative) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(cooperative=cooperative)
        .select_related("assistant", "assigned_by", "ended_by")
        .order_by("-start_date", "-created_at", "-pk")
    )


def area_bas_of_pmo(pmo: Assistant) -> QuerySet[Assistant]:
    """The BAs of a PMO's work area (the whole province for a provincial PMO), with loads."""
    bas = Assistant.objects.business_assistants().with_load().select_related("work_area")
    if regions.is_province(pmo.work_area_id):  # provincial PMO
        return bas.filter(regions.beneath_q("work_area__code", pmo.work_area_id))
    return bas.filter(work_area_id=pmo.work_area_id)


@dataclass
class StaffingRow:
    regency: object
    cooperatives: int
    with_ba: int
    bas_available: int
    capacity: int

    @property
    def without_ba(self) -> int:
        return self.cooperatives - self.with_ba

    @property
    def bas_needed(self) -> int:
        return math.ceil(self.cooperatives / self.capacity) if self.capacity else 0

    @property
    def gap(self) -> int:
        return max(0, self.bas_needed - self.bas_available)

    @property
    def coverage(self) -> float:
        return 100 * self.with_ba / self.cooperatives if self.cooperatives else 0


def _by_regency(queryset: QuerySet[Any], code_field: str) -> dict[str, int]:
    return dict(
        queryset.annotate(regency_code=Substr(code_field, 1, REGENCY_CODE_LENGTH))
        .values("regency_code")
        .annotate(n=Count("pk"))
        .values_list("regency_code", "n")
    )


def staffing_by_regency(user: User) -> list[StaffingRow]:
    """Per regency in scope: cooperatives, with an active BA, BAs needed at the cap, available,
    gap. Four queries whatever the size."""
    cap = capacity()
    cooperatives = _by_regency(Cooperative.objects.for_user(user), "village_id")
    with_ba = _by_regency(Assignment.objects.for_user(user).active(), "cooperative__village_id")
    bas = dict(
        Assistant.objects.for_user(user)
        .active()
        .business_assistants()
        .values("work_area_id")
        .annotate(n=Count("pk"))
        .values_list("work_area_id", "n")
    )
    return [
        StaffingRow(
            regency, cooperatives.get(regency.code, 0), with_ba.get(regency.code, 0), bas.get(regency.code, 0), cap
        )
        for regency in regencies_for(user)
    ]


@dataclass
class AreaStaffingRow(StaffingRow):
    """A province's staffing at national scope: BAs needed and the gap are its regencies' sums
    (a BA works inside one regency, so a province's need is not its cooperatives / cap)."""

    needed: int = 0
    shortfall: int = 0
    is_area: bool = True

    @property
    def bas_needed(self) -> int:
        return self.needed

    @property
    def gap(self) -> int:
        return self.shortfall


def staffing_by_province(rows: Sequence[StaffingRow]) -> list[AreaStaffingRow]:
    """Regency rows summed per province (one query for the provinces' names)."""
    areas: dict[str, AreaStaffingRow] = {}
    for row in rows:
        code = row.regency.code[:2]
        area = areas.setdefault(code, AreaStaffingRow(None, 0, 0, 0, row.capacity))
        area.cooperatives += row.cooperatives
        area.with_ba += row.with_ba
        area.bas_available += row.bas_available
        area.needed += row.bas_needed
        area.shortfall += row.gap
    for province in Region.objects.filter(code__in=areas):
        areas[province.code].regency = province
    return [areas[code] for code in sorted(areas)]


def staffing_total(rows: Sequence[StaffingRow]) -> tuple[StaffingRow, int, int]:
    total = StaffingRow(None, 0, 0, 0, capacity())
    for row in rows:
        total.cooperatives += row.cooperatives
        total.with_ba += row.with_ba
        total.bas_available += row.bas_available
    return total, sum(row.bas_needed for row in rows), sum(row.gap for row in rows)


def staffing_table(user: User, province: str = "") -> tuple[list[StaffingRow], StaffingRow, int, int]:
    """The staffing table of Penugasan and the planner, and the totals of the rows shown: the
    regencies of `province`; without one, at national scope a row per province (514 regency rows
    were most of a 412 KB page)."""
    staffing = staffing_by_regency(user)
    if province:
        staffing = [row for row in staffing if row.regency.code[:2] == province]
    total, needed, gap = staffing_total(staffing)
    if not province and len({row.regency.code[:2] for row in staffing}) > 1:
        staffing = staffing_by_province(staffing)
    return staffing, total, needed, gap
