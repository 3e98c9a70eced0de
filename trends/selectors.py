"""The trend of one figure for a region of the user's scope, month by month, with its child
regions side by side. Past months come from the recorded snapshots (DistrictMonth); the current
month is the dashboard's own figure for today, so the last point is the number on the card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.indicators import INDICATORS, Indicator
from cooperatives.models import Region
from dashboards.selectors import CHILD_LENGTH, dashboard_for

from .models import DistrictMonth
from .services import month_start

if TYPE_CHECKING:
    from accounts.models import User

MONTHS_SHOWN = 13  # a year back and the current month
# Coverage by BAs first: the figure the program is steered by. Its "how it is counted" matches
# the dashboard's "with an active BA".
COVERAGE = Indicator(
    "has_ba",
    _("With an active BA"),
    _("Cooperatives with an active BA assignment on the month's last day (today for this month)."),
    lambda day: Q(),
)
TREND_INDICATORS = [COVERAGE, *INDICATORS]
BY_KEY = {indicator.key: indicator for indicator in TREND_INDICATORS}


@dataclass
class Point:
    month: dt.date
    value: int | None  # None: not known for that month
    cooperatives: int
    current: bool = False  # the month so far (today's figure)

    @property
    def share(self) -> float | None:
        if self.value is None or not self.cooperatives:
            return None
        return 100 * self.value / self.cooperatives


@dataclass
class Trend:
    indicator: Indicator
    region: Region | None
    breadcrumbs: list
    months: list[dt.date]
    total: list[Point]
    children: list[tuple[Region, list[Point]]] = field(default_factory=list)


def _value_of(row, key: str) -> int:
    return row.with_ba if key == "has_ba" else row.progress.get(key, 0)


def trend_for(user: User, code: str | None, key: str) -> Trend | None:
    """None when the region is outside the user's scope or the figure is unknown."""
    indicator = BY_KEY.get(key)
    dashboard = dashboard_for(user, code) if indicator else None
    if dashboard is None:
        return None
    region = dashboard.region
    here = region.code if region else ""
    today = timezone.localdate()
    first = month_start(today)
    for _step in range(MONTHS_SHOWN - 1):
        first = month_start(first - dt.timedelta(days=1))
    child_length = CHILD_LENGTH[len(here)]
    grouped = child_length <= 8  # below a district the children are villages: no comparison
    rows = (
        DistrictMonth.objects.filter(month__gte=first)
        .filter(Q(district_code__startswith=f"{here}.") if here else Q())
        .annotate(group=Substr("district_code", 1, child_length if grouped else 8))
        .values("month", "group")
        .annotate(
            cooperatives_n=Sum("cooperatives"),
            value=Sum(key),
            unknown=Count("pk", filter=Q(**{f"{key}__isnull": True})),
        )
    )
    by_month: dict[dt.date, dict[str, tuple[int | None, int]]] = {}
    for item in rows:
        value = None if item["unknown"] else item["value"] or 0
        by_month.setdefault(item["month"], {})[item["group"]] = (value, item["cooperatives_n"])
    # Every month of the window: one whose snapshot was not written shows "no data", not a gap.
    months = [first]
    while months[-1] < month_start(today):
        months.append(month_start(months[-1] + dt.timedelta(days=32)))

    def points(group_codes: set[str] | None, current_row) -> list[Point]:
        series = []
        for month in months[:-1]:
            recorded = by_month.get(month, {})
            cells = [v for g, v in recorded.items() if group_codes is None or g in group_codes]
            value = None if not recorded or any(v is None for v, _n in cells) else sum(v for v, _n in cells)
            series.append(Point(month, value, sum(n for _v, n in cells)))
        series.append(Point(months[-1], _value_of(current_row, key), current_row.cooperatives, current=True))
        return series

    trend = Trend(indicator, region, dashboard.breadcrumbs, months, points(None, dashboard.total))
    if grouped:
        trend.children = [(row.region, points({row.region.code}, row)) for row in dashboard.rows]
    return trend
