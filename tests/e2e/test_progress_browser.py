"""After formation in a real browser, on a phone-sized screen: the Dinas records the outlet build
and a partnership on the cooperative's page, the dashboard and the list behind its figure agree,
and the month-by-month page shows the recorded months. No page scrolls sideways at 360 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from tests.factories import cooperatives_in
from trends.services import previous_month, record_month

MONTHS = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def month_label(month):
    return f"{MONTHS[month.month - 1]} {month.year}"


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    page.set_viewport_size({"width": 360, "height": 780})
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(PHONE)
    assert wide <= 360, f"{page.url} is {wide}px wide at 360px"


def test_recording_the_outlet_build_on_a_phone(page, log_in, small_jambi):
    cooperatives = cooperatives_in("15.71", 4, board=True)
    target = cooperatives[0]
    Cooperative.objects.filter(pk__in=[c.pk for c in cooperatives]).update(
        legal_entity_date=dt.date(2025, 6, 2), outlet_operating_date=None, land_status="none"
    )
    Cooperative.objects.filter(pk=cooperatives[1].pk).update(outlet_operating_date=dt.date(2025, 11, 20))
    last_month = previous_month(timezone.localdate())
    month_before = previous_month(last_month)
    record_month(month_before)
    record_month(last_month)
    page.set_viewport_size(PHONE)
    log_in("staf.kotajambi")

    page.goto(target.get_absolute_url())
    expect(page.locator("#progress")).to_contain_text("Belum ada lahan")
    no_sideways_scroll(page)
    page.click("#progress a")  # Ubah
    # Wait for the form: measuring while the next page loads finds no document element.
    expect(page.locator("#id_land_status")).to_be_visible()
    no_sideways_scroll(page)
    page.select_option("#id_land_status", "ready")
    page.select_option("#id_construction_status", "started")
    page.fill("#id_construction_started_date", "2025-11-03")
    page.fill("#id_construction_percent", "35")
    page.fill("#id_outlet_operating_date", "")
    page.fill("#id_reason", "Kunjungan lapangan")
    page.click("#submit-id-submit")
    expect(page.locator("#progress")).to_contain_text("35%")
    expect(page.locator("#history")).to_contain_text("Kunjungan lapangan")

    page.goto(f"/koperasi/{target.pk}/kemitraan/baru/")
    page.fill("#id_partner", "Koperasi Manis")
    page.select_option("#id_kind", "supply")
    page.fill("#id_started_on", "2025-09-29")
    page.fill("#id_monthly_value", "2.000.000")
    no_sideways_scroll(page)
    page.click("#submit-id-submit")
    expect(page.locator("#partnerships")).to_contain_text("Koperasi Manis")
    expect(page.locator("#partnerships")).to_contain_text("2.000.000")

    # The dashboard's figure and the list behind it.
    page.goto("/?wilayah=15.71")
    row = page.locator("#progress-table tr", has_text="Gerai dalam pembangunan")
    expect(row).to_contain_text("1")
    row.locator("a").click()
    expect(page.locator("table")).to_contain_text(target.name)
    no_sideways_scroll(page)

    page.goto("/tren/?wilayah=15.71&indikator=outlet_operating")
    expect(page.locator("#trend-table")).to_contain_text(month_label(month_before))
    expect(page.locator("#trend-table")).to_contain_text(month_label(last_month))
    expect(page.locator("svg.chart")).to_be_visible()
    no_sideways_scroll(page)
    page.select_option("#indikator", "under_construction")
    page.click("#indicator-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Gerai dalam pembangunan")
