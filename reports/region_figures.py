"""Field-work figures per child region where the dashboard's field-work card has none.

`selectors.field_work_for` breaks its figures down by province or regency (a BA reports to the
regency it works in). The map also colours a regency's districts; for them this module counts,
in one grouped query each, with the same definitions as the field-work card:

- open problems: field problems open or being followed up (`FieldProblem.OPEN_STATUSES`) that the
  user may see, by the region they concern (the cooperative's village). A problem about a BA's
  whole caseload is recorded at the BA's work area (a regency): it belongs to no district and is
  counted for the regency only.
- report completeness has no per-district figure: a report covers a BA's whole caseload, which
  may span districts, and the BAs expected are a regency's. The map shows districts as no data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count

from cooperatives.models import Region
from core import regions

from .models import FieldProblem

if TYPE_CHECKING:
    from accounts.models import User


def open_problems_by_child(user: User, region: Region | None, children: list[Region]) -> dict[str, int]:
    """{child code: open problems} for the children of a region in the user's scope (any level),
    every child present (0 when none). One query."""
    counts = {child.code: 0 for child in children}
    if not children:
        return counts
    length = len(children[0].code)
    code = region.code if region else ""
    problems = FieldProblem.objects.for_user(user).filter(regions.within_q("region__code", code)).open()
    for region_code, n in problems.values_list("region_id").annotate(n=Count("pk")).order_by():
        child = region_code[:length] if len(region_code) >= length else None
        if child in counts:
            counts[child] += n
    return counts
