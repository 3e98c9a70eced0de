"""Assignment planner: propose a BA for every unassigned cooperative of a regency.

Rules: never past the cap; loads balanced (every BA is filled towards the same target); a
district's cooperatives kept together (cooperatives are taken in village-code order, which runs
district by district, and each BA takes a contiguous run of them, BAs who already work in a
district going first). What cannot be placed is reported with the number of BAs still needed.
"""

import hashlib
import heapq
import math
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatives.models import Cooperative, Region
from core import regions

from .models import Assignment, Assistant
from .services import AssignmentRefused, active_loads, capacity, create_active_assignments, lock_assistants


@dataclass
class RegencyPlan:
    regency: Region
    capacity: int
    cooperatives: int  # all cooperatives of the regency
    bas: list  # active BAs, each with .load (before the plan)
    proposals: list = field(default_factory=list)  # [(cooperative, assistant)]
    unplaced: list = field(default_factory=list)  # cooperatives left without a BA

    @property
    def bas_needed(self):
        """BAs the regency needs at the cap, whatever is assigned today."""
        return math.ceil(self.cooperatives / self.capacity) if self.capacity else 0

    @property
    def gap(self):
        return max(0, self.bas_needed - len(self.bas))

    @property
    def more_bas_for_unplaced(self):
        return math.ceil(len(self.unplaced) / self.capacity) if self.capacity else 0

    @property
    def fingerprint(self):
        """Identifies the proposal, so that what is applied is what the user previewed."""
        pairs = ",".join(f"{c.pk}:{ba.pk}" for c, ba in self.proposals)
        return hashlib.sha256(pairs.encode()).hexdigest()[:16]

    def load_after(self):
        loads = {ba.pk: ba.load for ba in self.bas}
        for _cooperative, ba in self.proposals:
            loads[ba.pk] += 1
        return loads


def unassigned_cooperatives(queryset):
    active = Assignment.objects.filter(cooperative=OuterRef("pk"), end_date__isnull=True)
    return queryset.filter(~Exists(active))


def plan_regency(regency, cap=None):
    """Compute (do not write) the plan for one regency."""
    cap = cap or capacity()
    in_regency = Cooperative.objects.filter(village__code__startswith=f"{regency.code}.")
    total = in_regency.count()
    waiting = list(unassigned_cooperatives(in_regency).select_related("village__parent").order_by("village_id"))
    bas = list(Assistant.objects.filter(work_area=regency).active().business_assistants().with_load())
    plan = RegencyPlan(regency=regency, capacity=cap, cooperatives=total, bas=bas)
    if not bas:
        plan.unplaced = waiting
        return plan
    # BAs already working somewhere go first, in the order of their first district.
    first_district = {}
    for pk, village in (
        Assignment.objects.active().filter(assistant__in=bas).values_list("assistant_id", "cooperative__village_id")
    ):
        district = regions.parent_of(village)
        first_district[pk] = min(first_district.get(pk, district), district)
    ordered = sorted(bas, key=lambda ba: (first_district.get(ba.pk, "~"), ba.load, ba.pk))
    quota = _balanced_quotas(ordered, len(waiting), cap)
    position = 0
    for ba in ordered:
        for cooperative in waiting[position : position + quota[ba.pk]]:
            plan.proposals.append((cooperative, ba))
        position += quota[ba.pk]
    plan.unplaced = waiting[position:]
    return plan


def _balanced_quotas(bas, waiting, cap):
    """How many new cooperatives each BA takes: one at a time to the least-loaded BA with room,
    so final loads differ by at most one where capacity allows."""
    heap = [(ba.load, index, ba.pk) for index, ba in enumerate(bas) if ba.load < cap]
    heapq.heapify(heap)
    quota = {ba.pk: 0 for ba in bas}
    for _step in range(waiting):
        if not heap:
            break
        load, index, pk = heapq.heappop(heap)
        quota[pk] += 1
        if load + 1 < cap:
            heapq.heappush(heap, (load + 1, index, pk))
    return quota


@transaction.atomic
def apply_plan(plan, *, by, reason, start_date=None):
    """Write a plan in one transaction; re-checks the cap under lock, so a plan computed before
    someone else's assignments cannot overfill a BA."""
    if not plan.proposals:
        return []
    start_date = start_date or timezone.localdate()
    bas = {ba.pk: ba for _c, ba in plan.proposals}
    locked = lock_assistants(bas.values())
    loads = active_loads(list(bas))
    rows = []
    for cooperative, ba in plan.proposals:
        loads[ba.pk] += 1
        if loads[ba.pk] > plan.capacity:
            raise AssignmentRefused(
                _("%(assistant)s would pass the limit of %(capacity)s cooperatives; compute the plan again.")
                % {"assistant": ba.name, "capacity": plan.capacity}
            )
        rows.append(
            Assignment(
                assistant=locked[ba.pk], cooperative=cooperative, start_date=start_date, reason=reason, assigned_by=by
            )
        )
    return create_active_assignments(rows)
