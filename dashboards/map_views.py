"""The map page ("Peta"): the current region's children coloured by one dashboard figure, the
table of the same numbers beside it. Server-rendered SVG, no script needed."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from core import regions
from core.scoping import caseload_assistant_id
from core.views import PageMixin
from reports.region_figures import open_problems_by_child
from reports.selectors import field_work_cached

from .maps import INDICATORS, build_map, indicator_for, shapes_for
from .selectors import dashboard_for

ORDERS = ("worst", "code")


class MapView(PageMixin, View):
    """Every role with the dashboard has the map, in the dashboard's scope; a BA's own login goes
    to its month's work, as from the dashboard."""

    permission_required = ()

    def get(self, request):
        if caseload_assistant_id(request.user):
            return redirect("reports:my_work")
        return map_page(request)


region_map = MapView.as_view()


def map_code(code: str | None) -> str | None:
    """The region whose children are drawn: a district or a village asked for is shown on its
    regency's map (villages have no boundaries)."""
    code = (code or "").strip()
    if regions.level_of(code) in (regions.DISTRICT, regions.VILLAGE):
        return regions.regency_of(code)
    return code or None


def map_page(request):
    indicator = indicator_for(request.GET.get("indikator"))
    data = dashboard_for(request.user, map_code(request.GET.get("wilayah")))
    if data is None:
        raise Http404
    children = [row.region for row in data.rows]
    field_work = district_problems = None
    if indicator.needs_field_work:
        if data.child_level == regions.DISTRICT:
            district_problems = open_problems_by_child(request.user, data.region, children)
        elif children:
            field_work = field_work_cached(request.user, data.region, children)
    region_map = build_map(indicator, data, shapes_for(data), field_work, district_problems)
    order = request.GET.get("urut")
    order = order if order in ORDERS else ORDERS[0]
    here = data.region.code if data.region else ""
    return render(
        request,
        "dashboards/map.html",
        {
            "map": region_map,
            "data": data,
            "here": here,
            "indicator": indicator,
            "indicators": INDICATORS,
            "rows": region_map.table(order),
            "order": order,
        },
    )
