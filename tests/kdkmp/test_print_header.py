"""Every recap prints with a dated header: what it is, the region, "as of", who printed it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, override

pytestmark = pytest.mark.django_db

PAGES = [
    ("home", {}, "Dashboard"),
    ("trainings:coverage", {}, "Training coverage"),
    ("trends:trend", {}, "Month by month"),
    ("reports:recap", {}, "Monthly recap"),
]


def header(response):
    html = response.content.decode()
    start = html.index('id="print-header"')
    return html[start : html.index("</div>\n</div>", start)]


@pytest.mark.parametrize("name, params, title", PAGES)
def test_a_regency_users_print_header_names_the_page_region_day_and_printer(login, name, params, title):
    response = login("staf.kotajambi").get(reverse(name), params)
    assert response.status_code == 200
    text = header(response)
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    with override("id"):
        title = gettext(title)
    assert f"KDKMP Admin · {title}" in text and "Kota Jambi" in text
    assert f"per tanggal {today}" in text
    assert f"Dicetak {today} pukul " in text and "oleh Staf Dinas Kota Jambi" in text


def test_the_dashboard_header_follows_the_region_shown(login):
    response = login("kepala.dinas").get(reverse("home"), {"wilayah": "15.01"})
    assert "Kerinci" in header(response)


def test_the_recap_is_as_of_the_day_it_was_produced(login):
    response = login("pmo.kotajambi").get(reverse("reports:recap"), {"month": "2025-10"})
    produced = response.context["produced"]["at"]
    assert f"per tanggal {date_format(produced.date(), 'DATE_FORMAT')}" in header(response)
    assert isinstance(produced, dt.datetime)
