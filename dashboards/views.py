from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from assistants.models import Assistant
from cooperatives.indicators import BOARD_TRAINED, INDICATORS, LIST_FIGURES
from cooperatives.models import Cooperative
from core import regions
from core.exports import xlsx_response
from core.scoping import caseload_assistant_id
from core.views import PageMixin

from .charts import bar_chart, coverage_tone, short_region_name
from .selectors import DASHBOARD_MILESTONES, dashboard_for


def list_url(name, **params):
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"


def load_filter(load, capacity):
    """The assistant list's load filter that contains BAs with this load."""
    if load == 0:
        return "none"
    if load >= capacity:
        return "full"
    return "under7" if load < 7 else "7plus"


def _milestone_labels():
    labels = dict(Cooperative.MILESTONES)
    return [(m, labels[m]) for m in DASHBOARD_MILESTONES]


class DashboardView(PageMixin, View):
    """Coverage, staffing gap, caseloads and milestones for a region of the user's scope.
    A BA's own login starts on its month's work ("Tugas saya") instead: it sees nothing beyond
    its caseload."""

    permission_required = ()  # every role has the home page

    def get(self, request):
        assistant_id = caseload_assistant_id(request.user)
        if assistant_id:
            return redirect("reports:my_work")
        return dashboard_page(request)


dashboard = DashboardView.as_view()  # the home page (kdkmp/urls.py)


def dashboard_page(request):
    data = dashboard_for(request.user, request.GET.get("wilayah"))
    if data is None:
        raise Http404
    if request.GET.get("export") == "xlsx":
        return export_xlsx(data)
    here = data.region.code if data.region else ""
    total = data.total
    milestones = _milestone_labels()
    role_labels = dict(Assistant.Role.choices) | {"board": _("Board members")}
    rows = [r for r in data.rows if r.cooperatives or r.ba or r.pmo]
    context = {
        "data": data,
        "rows": rows,
        "trends_url": list_url("trends:trend", wilayah=here),
        "board_trained": BOARD_TRAINED,
        "progress": [
            {
                "indicator": indicator,
                "count": total.progress.get(indicator.key, 0),
                "share": 100 * total.progress.get(indicator.key, 0) / total.cooperatives if total.cooperatives else 0,
            }
            for indicator in INDICATORS
        ],
        "here": here,
        "milestones": [(m, label, total.milestones.get(m, 0)) for m, label in milestones],
        "coverage_chart": bar_chart(
            [
                (
                    short_region_name(r.region.name),
                    r.coverage,
                    f"{r.coverage:.0f}% ({intcomma(r.with_ba)}/{intcomma(r.cooperatives)})",
                    "?" + urlencode({"wilayah": r.region.code}),
                )
                for r in rows
            ],
            maximum=100,
            tone=coverage_tone,
        ),
        "load_chart": bar_chart(
            [
                (
                    f"{load}/{data.capacity}",
                    n,
                    intcomma(n),
                    list_url(
                        "assistants:list",
                        wilayah=here,
                        role="BA",
                        status="active",
                        load=load_filter(load, data.capacity),
                    ),
                )
                for load, n in data.load_histogram
            ]
        ),
        "funnel_chart": bar_chart(
            [
                (
                    _("Cooperatives"),
                    total.cooperatives,
                    intcomma(total.cooperatives),
                    list_url("cooperatives:list", wilayah=here),
                )
            ]
            + [
                (
                    label,
                    n,
                    f"{intcomma(n)} ({100 * n / total.cooperatives:.0f}%)" if total.cooperatives else "0",
                    list_url("cooperatives:list", wilayah=here, milestone=m),
                )
                for m, label, n in [(m, label, total.milestones.get(m, 0)) for m, label in milestones]
            ],
        ),
        "training_chart": bar_chart(
            [
                (
                    role_labels.get(role, role),
                    n,
                    intcomma(n),
                    list_url(
                        "trainings:participant_list",
                        status="completed",
                        **({"role": role} if role != "board" else {"audience": "board"}),
                        regency=here if regions.is_regency(here) else "",
                    ),
                )
                for role, n in data.training_composition
            ]
        ),
        "show_staff": data.region is None or len(here) <= 5,
        # Staffing is counted per regency: district rows show who serves them instead.
        "staff_by_child": len(here) < 5,
        "child_is_village": bool(rows) and rows[0].region.level == "village",
    }
    return render(request, "dashboards/dashboard.html", context)


def export_xlsx(data):
    header = [
        _("Region"),
        _("Code"),
        _("Cooperatives"),
        _("With a BA"),
        _("Without a BA"),
        _("Coverage (%)"),
        _("PMO"),
        _("BA"),
        _("Average load"),
        _("BAs at the cap"),
        _("BAs under 7"),
        _("BAs needed"),
        _("Gap"),
        _("BAs serving"),
    ]
    header += [str(label) for _m, label in _milestone_labels()]
    header += [str(indicator.label) for indicator in LIST_FIGURES]
    rows = []
    for row in data.rows + [data.total]:
        name = row.region.name if row.region and row is not data.total else _("Total")
        code = row.region.code if row.region and row is not data.total else ""
        # Below a regency (a district, its villages) there is no staff of its own (BAs work per
        # regency): the staffing cells stay empty and "BAs serving" says who works there.
        region = data.region if row is data.total else row.region
        district = region is not None and len(region.code) > 5
        staffing = [row.pmo, row.ba, round(row.average_load, 2), row.ba_full, row.ba_under_7, row.bas_needed, row.gap]
        rows.append(
            [name, code, row.cooperatives, row.with_ba, row.without_ba, round(row.coverage, 1)]
            + ([None] * len(staffing) if district else staffing)
            + [row.bas_serving if district else None]
            + [row.milestones.get(m, 0) for m in DASHBOARD_MILESTONES]
            + [row.progress.get(indicator.key, 0) for indicator in LIST_FIGURES]
        )
    sheets = [
        (_("Regions"), header, rows),
        (_("BA load"), [_("Load"), _("BAs")], [[load, n] for load, n in data.load_histogram]),
        (
            _("Business units operating"),
            [_("Unit"), _("Operating")],
            [[str(label), n] for label, _v, n in data.units_operating],
        ),
    ]
    name = f"dasbor-{data.region.code if data.region else 'nasional'}.xlsx"
    return xlsx_response(sheets, name)
