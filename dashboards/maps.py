"""The map: a choropleth of the current region's children, coloured by one of the dashboard's
figures.

Every number comes from where the dashboard takes it, so a region shows the same figure on the
dashboard, on the map and in the table beside it: the dashboard's rows (`selectors.dashboard_for`),
the dashboard's field-work card (`reports.selectors.field_work_cached`) and, for districts, which
the field-work card does not break down, `reports.region_figures`. Each indicator says how it is
counted (shown beside the map), how a child's Row becomes (value, numerator, denominator), or no
data, and its fixed bands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cooperatives.indicators import BY_KEY as PROGRESS_FIGURES
from cooperatives.models import Cooperative, Region
from core import regions

from .models import RegionShape
from .selectors import Dashboard, Row

# ColorBrewer sequential palettes (colour-blind safe, print in grey as a ramp): more is darker.
# Blue-green where more is better, orange-red where more is worse.
BETTER = ["#f0f9e8", "#ccebc5", "#a8ddb5", "#7bccc4", "#43a2ca", "#0868ac"]
WORSE = ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"]
NO_DATA_FILL = "url(#map-no-data)"  # a grey hatch (templates/dashboards/map_svg.html)


@dataclass(frozen=True)
class Measure:
    value: float
    numerator: int | None = None
    denominator: int | None = None


@dataclass
class Figures:
    """What an indicator reads for one child region."""

    row: Row  # the dashboard's row
    level: str  # the children's level: province, regency or district
    work: object | None = None  # reports.selectors.FieldWorkRow (province or regency children)
    work_month: dt.date | None = None  # the month the field-work figures are for
    open_problems: int | None = None


@dataclass(frozen=True)
class Band:
    low: float | None  # inclusive
    high: float | None  # exclusive
    label: str
    colour: str
    exact: float | None = None  # a band of one value (0: "none yet")

    def holds(self, value: float) -> bool:
        if self.exact is not None:
            return value == self.exact
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


def _number(value: float, integer: bool) -> str:
    """A band's bound as written in its label (the bounds are whole numbers in practice)."""
    return str(int(value)) if integer or value == int(value) else str(value)


def make_bands(bounds: tuple, palette: list[str], *, unit: str = "", integer: bool = False, zero: bool = False):
    """Fixed bands cut at `bounds`: each bound starts a band, so a value on a bound belongs to
    the band it starts. The labels name each band's numbers: counts as whole numbers ("3–9"),
    shares with "under" ("50–<80%"); a top band starting at 100% is "100%". `zero`: nothing at
    all is a band of its own ("0", then "> 0–<10%"). The lightest colours go when there are
    fewer bands than colours (the lightest is nearest to "no data")."""
    edges = [None, *bounds, None]
    spans = []
    for low, high in zip(edges, edges[1:], strict=False):
        if integer:
            if low is None:
                label = "0" if zero and high == 1 else f"< {_number(high, True)}"
            elif high is None:
                label = f"≥ {_number(low, True)}"
            elif high - low == 1:
                label = _number(low, True)
            else:
                label = f"{_number(low, True)}–{_number(high - 1, True)}"
        elif low is None:
            label = f"> 0–<{_number(high, False)}" if zero else f"< {_number(high, False)}"
        elif high is None:
            label = _number(low, False) if unit == "%" and low == 100 else f"≥ {_number(low, False)}"
        else:
            label = f"{_number(low, False)}–<{_number(high, False)}"
        spans.append((low, high, label + unit))
    exact_zero = zero and not integer
    count = len(spans) + exact_zero
    if count > len(palette):
        raise ValueError("more bands than colours")
    colours = palette[len(palette) - count :]
    bands = [Band(None, None, "0" + unit, colours.pop(0), exact=0)] if exact_zero else []
    bands += [Band(low, high, label, colour) for (low, high, label), colour in zip(spans, colours, strict=True)]
    return bands


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "%" or "" (a count)
    how_counted: str
    measure: Callable[[Figures], Measure | None]
    bands: list[Band]
    more_is_better: bool = True
    needs_field_work: bool = False
    numerator_label: str = ""
    denominator_label: str = ""
    # A district's cooperative list is filtered to what the figure counts: a milestone of the
    # list's "milestone" filter, or a figure of its "indikator" filter (cooperatives.indicators).
    list_milestone: str = ""
    list_indicator: str = ""

    def classify(self, measure: Measure | None) -> Band | None:
        """The first band holding the value; None for no data."""
        if measure is None:
            return None
        return next((band for band in self.bands if band.holds(measure.value)), self.bands[-1])

    def text(self, measure: Measure | None) -> str:
        if measure is None:
            return str(_("no data"))
        if self.unit == "%":
            return f"{floatformat(measure.value, 1)}%"
        return intcomma(int(measure.value))

    def ratio_text(self, measure: Measure | None) -> str:
        if measure is None or measure.numerator is None:
            return ""
        if measure.denominator is None:
            return intcomma(measure.numerator)
        return f"{intcomma(measure.numerator)} / {intcomma(measure.denominator)}"


def _share(count: int | None, row: Row) -> Measure | None:
    """A count of cooperatives as a share of the region's cooperatives; no cooperatives (or the
    figure not counted at all) is no data."""
    if count is None or not row.cooperatives:
        return None
    return Measure(100 * count / row.cooperatives, count, row.cooperatives)


def _coverage(f: Figures) -> Measure | None:
    return Measure(f.row.coverage, f.row.with_ba, f.row.cooperatives) if f.row.cooperatives else None


def _gap(f: Figures) -> Measure | None:
    # A BA works inside one regency: the gap is counted per regency, never for a district.
    if f.level == Region.Level.DISTRICT or not f.row.cooperatives:
        return None
    return Measure(f.row.gap, f.row.bas_needed, f.row.ba)


def _after_formation(key: str):
    """A figure after formation as the dashboard counts it (cooperatives.indicators)."""
    return lambda f: _share(f.row.progress.get(key), f.row)


def _completeness(f: Figures) -> Measure | None:
    # Reports are a BA's, and a BA works for a regency: nothing to count per district.
    if f.work is None or f.work_month is None or not f.work.expected:
        return None
    return Measure(f.work.completeness, f.work.submitted, f.work.expected)


def _open_problems(f: Figures) -> Measure | None:
    if f.open_problems is None or not f.row.cooperatives:
        return None
    return Measure(f.open_problems, f.open_problems, None)


PERCENT_BANDS = (50, 80, 95, 100)
PROGRESS_BANDS = (10, 25, 50, 75)
COUNT_BANDS = (1, 3, 10, 50)

INDICATORS = [
    Indicator(
        "coverage",
        _("Coverage by BAs"),
        "%",
        _(
            "Share of the region's cooperatives with an active BA assignment today (the dashboard's "
            "“With an active BA”). No cooperatives recorded: no data."
        ),
        _coverage,
        make_bands(PERCENT_BANDS, BETTER, unit="%"),
        numerator_label=_("with a BA"),
        denominator_label=_("cooperatives"),
    ),
    Indicator(
        "gap",
        _("Staffing gap"),
        "",
        _(
            "BAs needed at the cap (cooperatives ÷ cap per regency, rounded up) minus the active BAs "
            "working there, never below 0. A BA works inside one regency, so districts have no data."
        ),
        _gap,
        make_bands(COUNT_BANDS, WORSE, integer=True, zero=True),
        more_is_better=False,
        numerator_label=_("BAs needed"),
        denominator_label=_("active BAs"),
    ),
    *[
        Indicator(
            map_key,
            PROGRESS_FIGURES[key].label,
            "%",
            format_lazy("{} {}", PROGRESS_FIGURES[key].how_counted, _("As a share of the region's cooperatives.")),
            _after_formation(key),
            make_bands(PROGRESS_BANDS, BETTER, unit="%", zero=True),
            numerator_label=numerator,
            denominator_label=_("cooperatives"),
            list_indicator=key,
        )
        for map_key, key, numerator in [
            ("outlets", "outlet_operating", _("operating")),
            ("loans", "loan_disbursed", _("disbursed")),
            ("simkopdes", "simkopdes_active", _("updated")),
        ]
    ],
    Indicator(
        "reports",
        _("Report completeness"),
        "%",
        _(
            "Active BAs whose monthly report for the latest reported month was submitted (and not "
            "returned), as a share of the active BAs working there (the dashboard's “Reports "
            "submitted”). A BA reports for its regency, so districts have no data."
        ),
        _completeness,
        make_bands(PERCENT_BANDS, BETTER, unit="%"),
        needs_field_work=True,
        numerator_label=_("submitted"),
        denominator_label=_("active BAs"),
    ),
    Indicator(
        "problems",
        _("Open problems"),
        "",
        _(
            "Field problems (kendala) open or being followed up, by the region of the cooperative "
            "they concern (the dashboard's “Open problems”). A problem about a BA's whole caseload "
            "counts for the BA's regency, not for a district."
        ),
        _open_problems,
        make_bands(COUNT_BANDS, WORSE, integer=True, zero=True),
        more_is_better=False,
        needs_field_work=True,
        numerator_label=_("open"),
    ),
]
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
DEFAULT = "coverage"


def indicator_for(key: str | None) -> Indicator:
    """The indicator asked for; anything else (missing, unknown, odd) is the default one."""
    return BY_KEY.get((key or "").strip(), BY_KEY[DEFAULT])


# --- the page's map ----------------------------------------------------------------------------


@dataclass
class MapRegion:
    region: Region
    shape: RegionShape | None
    measure: Measure | None
    band: Band | None  # None: no data
    href: str
    list_href: str  # the cooperative list of the region (filtered like the figure, where it can be)
    text: str
    ratio: str
    title: str

    @property
    def fill(self) -> str:
        return self.band.colour if self.band else NO_DATA_FILL


@dataclass
class RegionMap:
    indicator: Indicator
    dashboard: Dashboard
    regions: list[MapRegion]
    context: list[RegionShape] = field(default_factory=list)  # shapes of regions not in the list
    width: int = 0
    height: int = 0
    work_month: dt.date | None = None
    total: Measure | None = None  # the region's own figure (the dashboard's headline)

    @property
    def total_text(self) -> str:
        return self.indicator.text(self.total)

    @property
    def total_ratio(self) -> str:
        return self.indicator.ratio_text(self.total)

    @property
    def drawn(self) -> list[MapRegion]:
        return [r for r in self.regions if r.shape]

    @property
    def without_boundary(self) -> list[MapRegion]:
        return [r for r in self.regions if not r.shape]

    @property
    def legend(self) -> list[tuple[Band, int]]:
        counts = {id(band): 0 for band in self.indicator.bands}
        for region in self.regions:
            if region.band:
                counts[id(region.band)] += 1
        return [(band, counts[id(band)]) for band in self.indicator.bands]

    @property
    def no_data(self) -> int:
        return sum(1 for r in self.regions if r.band is None)

    def table(self, order: str = "worst") -> list[MapRegion]:
        """Worst first (no data last, then by code), or by code."""
        if order == "code":
            return sorted(self.regions, key=lambda r: r.region.code)
        sign = 1 if self.indicator.more_is_better else -1
        return sorted(
            self.regions,
            key=lambda r: (r.measure is None, sign * r.measure.value if r.measure else 0, r.region.code),
        )


def figures_for(
    indicator: Indicator, dashboard: Dashboard, field_work=None, district_problems: dict | None = None
) -> dict[str, Figures]:
    """{child code: Figures} from the dashboard's rows and, for field-work indicators, the
    dashboard's field-work rows (provinces, regencies) or the district counts."""
    level = dashboard.child_level or ""
    work_rows = {w.region.code: w for w in field_work.rows} if field_work is not None else {}
    figures = {}
    for row in dashboard.rows:
        code = row.region.code
        work = work_rows.get(code)
        problems = None
        if indicator.needs_field_work:
            if level == Region.Level.DISTRICT:
                problems = (district_problems or {}).get(code, 0)
            elif work is not None:
                problems = work.open_problems
        figures[code] = Figures(
            row=row,
            level=level,
            work=work,
            work_month=field_work.month if field_work is not None else None,
            open_problems=problems,
        )
    return figures


def _list_href(code: str, indicator: Indicator) -> str:
    """The cooperative list of a region, filtered like the figure where the list can (so its
    count is the figure's numerator), else all of the region's (the denominator)."""
    params = {"wilayah": code}
    if indicator.list_milestone and indicator.list_milestone in dict(Cooperative.MILESTONES):
        params["milestone"] = indicator.list_milestone
    elif indicator.list_indicator in PROGRESS_FIGURES:
        params["indikator"] = indicator.list_indicator
    return f"{reverse('cooperatives:list')}?{urlencode(params)}"


def build_map(
    indicator: Indicator,
    dashboard: Dashboard,
    shapes: list[RegionShape],
    field_work=None,
    district_problems: dict | None = None,
) -> RegionMap:
    """The children of the dashboard's region, measured, classified and joined to their shapes
    (all read already: no query here)."""
    figures = figures_for(indicator, dashboard, field_work, district_problems)
    by_code = {shape.code: shape for shape in shapes}
    children = []
    for row in dashboard.rows:
        region = row.region
        measure = indicator.measure(figures[region.code])
        text, ratio = indicator.text(measure), indicator.ratio_text(measure)
        list_href = _list_href(region.code, indicator)
        if region.level == Region.Level.DISTRICT:
            href = list_href  # the deepest map: a district opens its cooperatives
        else:
            href = "?" + urlencode({"wilayah": region.code, "indikator": indicator.key})
        children.append(
            MapRegion(
                region=region,
                shape=by_code.pop(region.code, None),
                measure=measure,
                band=indicator.classify(measure),
                href=href,
                list_href=list_href,
                text=text,
                ratio=ratio,
                title=f"{region.name}: {text}" + (f" ({ratio})" if ratio else ""),
            )
        )
    own = dashboard.region.level if dashboard.region else ""
    total = indicator.measure(
        Figures(
            row=dashboard.total,
            level=own,
            work=field_work.total if field_work is not None else None,
            work_month=field_work.month if field_work is not None else None,
            open_problems=field_work.total.open_problems if field_work is not None else None,
        )
    )
    width = height = 0
    if shapes:
        width, height = shapes[0].frame_width, shapes[0].frame_height
    return RegionMap(
        indicator=indicator,
        dashboard=dashboard,
        regions=children,
        context=sorted(by_code.values(), key=lambda s: s.code),
        width=width,
        height=height,
        work_month=field_work.month if field_work is not None else None,
        total=total,
    )


def shapes_for(dashboard: Dashboard) -> list[RegionShape]:
    """The shapes of the map of the dashboard's region (its children's, and at national scope
    every province's): one query. Below a regency there is no map (villages have no boundaries)."""
    code = dashboard.region.code if dashboard.region else ""
    if regions.level_of(code) not in (None, regions.PROVINCE, regions.REGENCY):
        return []
    return list(RegionShape.objects.filter(parent_code=code))  # the name too: context shapes print it
