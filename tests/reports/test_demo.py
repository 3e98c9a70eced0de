"""The demo's two months of field reports tell a believable story (acceptance test on the demo)."""

import datetime as dt

from django.db.models import Count

from assistants.models import Assistant
from reports.models import FieldProblem, MonthlyReport

OCTOBER, NOVEMBER = dt.date(2025, 10, 1), dt.date(2025, 11, 1)


def test_the_demo_has_october_and_november_reports_for_the_jambi_bas(demo):
    bas = Assistant.objects.business_assistants().filter(work_area__code__startswith="15.").count()
    by_month = dict(
        MonthlyReport.objects.filter(month__in=[OCTOBER, NOVEMBER]).values_list("month").annotate(n=Count("pk"))
    )
    assert bas == 156
    assert 0.9 * bas <= by_month[OCTOBER] < bas  # a few missing
    assert 0.85 * bas <= by_month[NOVEMBER] < bas
    october = MonthlyReport.objects.filter(month=OCTOBER)
    assert october.filter(status="approved").count() > 0.8 * by_month[OCTOBER]
    november = MonthlyReport.objects.filter(month=NOVEMBER)
    assert {"approved", "submitted", "returned", "draft"} <= set(november.values_list("status", flat=True))
    assert 0 < MonthlyReport.objects.filter(late=True).count() < 0.5 * sum(by_month.values())


def test_the_demo_problems_span_the_categories_and_some_are_resolved(demo):
    problems = FieldProblem.objects.all()
    assert problems.count() > 200
    assert problems.values("category").distinct().count() >= 10
    assert problems.filter(status="resolved").exists() and problems.open().exists()
