"""Monthly snapshots and the trend page: each month's figure is recorded once, the last point is
the dashboard's own number for today, and the past is what the dated facts said then."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import Cooperative
from trends import services
from trends.models import CooperativeMonth, DistrictMonth
from trends.services import month_end, month_start, record_month

pytestmark = pytest.mark.django_db
URL = reverse("trends:trend")


def test_the_demo_has_its_months_recorded(demo):
    months = sorted(set(DistrictMonth.objects.values_list("month", flat=True)))
    assert months[0] == dt.date(2025, 10, 1)
    assert months[-1] == services.previous_month(timezone.localdate())
    jambi = Cooperative.objects.count()
    assert CooperativeMonth.objects.filter(month=months[0]).count() == jambi


def test_a_past_month_is_what_the_dated_facts_said_then(demo):
    month = dt.date(2025, 12, 1)
    last = month_end(month)
    recorded = sum(DistrictMonth.objects.filter(month=month).values_list("under_construction", flat=True))
    independently = sum(
        1
        for c in Cooperative.objects.all()
        if c.construction_started_date
        and c.construction_started_date <= last
        and not (c.construction_finished_date and c.construction_finished_date <= last)
    )
    assert recorded == independently
    assert 150 <= recorded <= 260  # Jambi had 206 outlet sites in progress at the end of Dec 2025


def test_figures_without_a_date_are_left_empty_when_filled_in_later(demo):
    old = DistrictMonth.objects.filter(month=dt.date(2025, 10, 1))
    assert set(old.values_list("land_ready", flat=True)) == {None}
    assert None not in set(old.values_list("outlet_operating", flat=True))


def test_recording_again_replaces_the_month_and_an_open_month_is_refused(demo):
    month = dt.date(2025, 11, 1)
    before = DistrictMonth.objects.filter(month=month).count()
    assert record_month(month) == Cooperative.objects.count()
    assert DistrictMonth.objects.filter(month=month).count() == before
    with pytest.raises(ValueError):
        record_month(month_start(timezone.localdate()))


def test_just_after_the_month_end_everything_is_known(demo, monkeypatch):
    last = month_end(dt.date(2025, 11, 1))
    monkeypatch.setattr(services.timezone, "localdate", lambda: last + dt.timedelta(days=2))
    record_month(dt.date(2025, 11, 1))
    rows = DistrictMonth.objects.filter(month=dt.date(2025, 11, 1))
    assert None not in set(rows.values_list("land_ready", flat=True))
    assert sum(rows.values_list("cooperatives", flat=True)) == Cooperative.objects.count()


def test_the_command_names_a_bad_month():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("record_month", "--month", "2025-13")


@pytest.mark.parametrize("wilayah", ["", "15.01"])
def test_the_last_point_is_the_dashboards_number(login, wilayah, django_assert_max_num_queries):
    client = login("kepala.dinas")
    dashboard = client.get(reverse("home"), {"wilayah": wilayah} if wilayah else {})
    card = {item["indicator"].key: item["count"] for item in dashboard.context["progress"]}
    with django_assert_max_num_queries(14):
        page = client.get(URL, {"wilayah": wilayah, "indikator": "outlet_operating"})
    assert page.status_code == 200
    trend = page.context["trend"]
    assert trend.total[-1].current and trend.total[-1].value == card["outlet_operating"]
    values = [p.value for p in trend.total]
    assert values == sorted(values)  # outlets only open: the figure rises month by month
    assert values[-1] > values[0]
    html = page.content.decode()
    assert "<svg" in html and 'id="trend-table"' in html and 'id="children-table"' in html
    # Drawn at most 360 units wide: on a 360 px phone its 13 px labels are not shrunk.
    assert page.context["chart"]["width"] <= 360
    children = page.context["children"]
    assert len(children) == (11 if not wilayah else len(dashboard.context["rows"]))
    # The regions side by side add up to the total, month by month.
    for index, point in enumerate(page.context["total_recent"]):
        assert sum(points[index].value for _r, points, _h in children) == point.value


def test_coverage_trend_ends_at_the_dashboards_coverage(login):
    client = login("kepala.dinas")
    page = client.get(URL, {"indikator": "has_ba"})
    dashboard = client.get(reverse("home"))
    assert page.context["trend"].total[-1].value == dashboard.context["data"].total.with_ba


@pytest.mark.parametrize(
    "user, params, status",
    [
        ("kepala.dinas", {"indikator": "nope"}, 404),
        ("staf.kotajambi", {"wilayah": "15.01"}, 404),
        ("staf.kotajambi", {"wilayah": "15.71"}, 200),
        ("ba.kotajambi", {}, 302),
    ],
)
def test_the_trend_page_is_scoped(login, user, params, status):
    assert login(user).get(URL, params).status_code == status


def test_a_month_recorded_at_its_end_keeps_its_figures_without_a_date(demo, monkeypatch):
    month = dt.date(2025, 11, 1)
    last = month_end(month)
    monkeypatch.setattr(services.timezone, "localdate", lambda: last + dt.timedelta(days=2))
    record_month(month)  # at the month's end: everything known
    monkeypatch.setattr(services.timezone, "localdate", lambda: last + dt.timedelta(days=40))
    with pytest.raises(ValueError):
        record_month(month)  # later it would lose land_ready and SIMKOPDES activity
    assert services.record_months(dt.date(2025, 10, 1), month) == []  # --from skips recorded months
    assert None not in set(DistrictMonth.objects.filter(month=month).values_list("land_ready", flat=True))
    record_month(month, force=True)
    assert set(DistrictMonth.objects.filter(month=month).values_list("land_ready", flat=True)) == {None}


def test_simkopdes_activity_is_the_value_at_the_months_end(demo, monkeypatch):
    """Recorded two days late, a cooperative that updated on 25 November and again on 1 December
    was active in November: its history says so."""
    month = dt.date(2025, 11, 1)
    last = month_end(month)
    cooperative = Cooperative.objects.filter(simkopdes_date__lte=dt.date(2025, 11, 1)).order_by("pk").first()
    cooperative.simkopdes_updated_date = dt.date(2025, 11, 25)
    cooperative.save()
    Cooperative.history.filter(id=cooperative.pk).update(history_date=timezone.make_aware(dt.datetime(2025, 11, 25, 9)))
    cooperative.simkopdes_updated_date = dt.date(2025, 12, 1)
    cooperative.save()
    monkeypatch.setattr(services.timezone, "localdate", lambda: last + dt.timedelta(days=2))
    record_month(month)
    assert CooperativeMonth.objects.get(month=month, cooperative=cooperative).simkopdes_active is True


def test_a_month_without_a_snapshot_shows_no_data_not_a_gap(login, demo):
    missing = services.previous_month(services.previous_month(timezone.localdate()))
    DistrictMonth.objects.filter(month=missing).delete()
    trend = login("kepala.dinas").get(URL, {"indikator": "outlet_operating"}).context["trend"]
    assert len(trend.total) == 13
    assert next(p for p in trend.total if p.month == missing).value is None
