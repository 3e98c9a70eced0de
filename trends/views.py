from urllib.parse import urlencode

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from cooperatives.indicators import INDICATORS
from core.scoping import caseload_assistant_id
from core.views import PageMixin
from dashboards.charts import bar_chart

from .selectors import TREND_INDICATORS, trend_for

LIST_FILTERS = {indicator.key for indicator in INDICATORS}


def _month_label(point):
    label = date_format(point.month, "M Y")
    return f"{label} *" if point.current else label


def _text(point):
    if point.value is None:
        return _("no data")
    share = f" ({point.share:.0f}%)" if point.share is not None else ""
    return intcomma(point.value) + share


class TrendView(PageMixin, View):
    """One figure month by month for a region of the user's scope, its child regions beside it.
    A BA's login has its own month ("Tugas saya"), as on the dashboard."""

    permission_required = ()

    def get(self, request):
        if caseload_assistant_id(request.user):
            return redirect("reports:my_work")
        key = request.GET.get("indikator") or "outlet_operating"
        trend = trend_for(request.user, request.GET.get("wilayah"), key)
        if trend is None:
            raise Http404
        here = trend.region.code if trend.region else ""
        chart = bar_chart(
            [
                (
                    _month_label(point),
                    point.value or 0,
                    _text(point),
                    f"?{urlencode({'wilayah': here, 'indikator': key})}",
                )
                for point in trend.total
            ],
            label_width=78,
            bar_space=140,
            compact=True,
        )
        recent = trend.months[-6:]
        return render(
            request,
            "trends/trend.html",
            {
                "trend": trend,
                "here": here,
                "key": key,
                "indicators": TREND_INDICATORS,
                "chart": chart,
                "month_labels": [date_format(m, "M Y") for m in recent],
                "children": [
                    (region, points[-len(recent) :], f"?{urlencode({'wilayah': region.code, 'indikator': key})}")
                    for region, points in trend.children
                ],
                "total_recent": trend.total[-len(recent) :],
                # The list behind this month's number (coverage has no list filter of its own yet).
                "list_url": f"?{urlencode({'wilayah': here, 'indikator': key})}" if key in LIST_FILTERS else "",
            },
        )


trend = TrendView.as_view()
