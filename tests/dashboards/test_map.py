"""The map page (dashboards/maps.py, map_views.py) on the Jambi demo: the numbers are the
dashboard's, the links drill down to the same numbers, a fixed number of queries, a small page."""

import gzip
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cooperatives.models import Cooperative, Region
from cooperatives.services import load_regions
from dashboards.maps import BY_KEY, INDICATORS, NO_DATA_FILL, Measure, indicator_for
from dashboards.models import RegionShape
from dashboards.selectors import dashboard_for
from reports.models import FieldProblem
from reports.region_figures import open_problems_by_child
from reports.selectors import field_work_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MAP = reverse("map")
LIST = reverse("cooperatives:list")


def regions_of(response):
    return {r.region.code: r for r in response.context["map"].regions}


def table_rows(html):
    """{code: (value text, ratio text)} read from the table's HTML."""
    rows = {}
    cells = r'<td class="text-end map-value">(.*?)</td><td class="text-end map-ratio">(.*?)</td>'
    for code, value, ratio in re.findall(r'<tr data-code="([\d.]+)">.*?' + cells, html, re.S):
        rows[code] = (unescape(value), unescape(ratio))
    return rows


def svg_paths(html):
    """{code: (fill, title)} of the regions drawn on the map."""
    return {
        code: (fill, unescape(title))
        for code, fill, title in re.findall(
            r'<a href="[^"]*" data-code="([\d.]+)"><path d="[^"]*" fill="([^"]*)"><title>(.*?)</title>', html
        )
    }


@pytest.fixture
def superuser(demo):
    return UserFactory(username="nasional.peta", is_superuser=True)


def test_the_province_map_shows_the_dashboard_numbers_for_every_indicator(login):
    client = login("kepala.dinas")
    dashboard = dashboard_for(client.get(MAP).wsgi_request.user, "15")
    rows = {row.region.code: row for row in dashboard.rows}
    for indicator in INDICATORS:
        response = client.get(MAP, {"wilayah": "15", "indikator": indicator.key})
        assert response.status_code == 200
        html = response.content.decode()
        drawn, table = svg_paths(html), table_rows(html)
        assert len(drawn) == len(table) == 11, indicator.key
        for code, region in regions_of(response).items():
            row = rows[code]
            if indicator.key == "coverage":
                assert region.measure == Measure(row.coverage, row.with_ba, row.cooperatives)
            elif indicator.key == "gap":
                assert region.measure == Measure(row.gap, row.bas_needed, row.ba)
            elif indicator.key == "outlets":
                n = row.progress["outlet_operating"]
                assert region.measure == Measure(100 * n / row.cooperatives, n, row.cooperatives)
            # The map's title, the table and the measure say the same.
            assert table[code] == (region.text, region.ratio)
            assert drawn[code] == (region.fill, region.title)
            assert region.text in region.title and region.region.name in region.title


def test_field_work_indicators_are_the_dashboards_field_work_rows(login):
    client = login("kepala.dinas")
    user = client.get(MAP).wsgi_request.user
    dashboard = dashboard_for(user, "15")
    work = field_work_for(user, dashboard.region, [r.region for r in dashboard.rows])
    assert work.month is not None  # the demo has reports
    by_code = {w.region.code: w for w in work.rows}
    completeness = regions_of(client.get(MAP, {"wilayah": "15", "indikator": "reports"}))
    problems = regions_of(client.get(MAP, {"wilayah": "15", "indikator": "problems"}))
    for code, w in by_code.items():
        assert completeness[code].measure == (Measure(w.completeness, w.submitted, w.expected) if w.expected else None)
        assert problems[code].measure.value == w.open_problems
    response = client.get(MAP, {"wilayah": "15", "indikator": "reports"})
    assert response.context["map"].total == Measure(work.total.completeness, work.total.submitted, work.total.expected)


def test_open_problems_per_district_have_one_definition(login):
    """reports.region_figures counts like the field-work card: the sum over a regency's districts
    is the regency's open problems less those about a whole caseload (recorded at the regency)."""
    user = login("kepala.dinas").get(MAP).wsgi_request.user
    province = dashboard_for(user, "15")
    regencies = open_problems_by_child(user, province.region, [r.region for r in province.rows])
    work = field_work_for(user, province.region, [r.region for r in province.rows])
    assert regencies == {w.region.code: w.open_problems for w in work.rows}
    kerinci = dashboard_for(user, "15.01")
    districts = open_problems_by_child(user, kerinci.region, [r.region for r in kerinci.rows])
    caseload_wide = FieldProblem.objects.open().filter(region_id="15.01").count()
    assert sum(districts.values()) == regencies["15.01"] - caseload_wide
    assert set(districts) == {r.region.code for r in kerinci.rows}


def test_districts_link_to_their_cooperative_list_with_the_same_count(login):
    client = login("kepala.dinas")
    figures = [("coverage", "denominator")] + [(key, "numerator") for key in ("outlets", "loans", "simkopdes")]
    for key, number in figures:
        response = client.get(MAP, {"wilayah": "15.01", "indikator": key})
        regions = regions_of(response)
        assert len(regions) == 18 and {r.region.level for r in regions.values()} == {"district"}
        for code in ["15.01.01", "15.01.23"]:
            region = regions[code]
            assert region.href.startswith(f"{LIST}?wilayah={code}")
            listed = client.get(region.href).context["table"].paginator.count
            assert listed == getattr(region.measure, number), (key, code)
        assert f'href="{regions["15.01.01"].href.replace("&", "&amp;")}"' in response.content.decode()


def test_provinces_and_regencies_drill_down_on_the_map(superuser, client):
    client.force_login(superuser)
    response = client.get(MAP, {"indikator": "outlets"})
    jambi = regions_of(response)["15"]
    assert jambi.href == "?wilayah=15&indikator=outlets"
    regencies = regions_of(client.get(MAP + jambi.href))
    assert len(regencies) == 11
    assert regencies["15.01"].href == "?wilayah=15.01&indikator=outlets"


def test_a_staffing_gap_has_no_district_figure(login):
    response = login("kepala.dinas").get(MAP, {"wilayah": "15.01", "indikator": "gap"})
    html = response.content.decode()
    assert all(r.measure is None and r.band is None for r in regions_of(response).values())
    assert {fill for fill, _title in svg_paths(html).values()} == {NO_DATA_FILL}
    assert 'id="map-no-data"' in html and 'id="map-legend-no-data"' in html
    assert response.context["map"].no_data == 18
    assert response.context["map"].total.value == 1  # Kerinci: 29 needed, 28 at work
    regency = login("kepala.dinas").get(MAP, {"wilayah": "15", "indikator": "gap"})
    assert regions_of(regency)["15.01"].measure == Measure(1, 29, 28)


def test_loans_and_simkopdes_are_the_dashboards_figures_after_formation(login):
    response = login("kepala.dinas").get(MAP, {"wilayah": "15", "indikator": "loans"})
    simkopdes = regions_of(login("kepala.dinas").get(MAP, {"wilayah": "15", "indikator": "simkopdes"}))
    rows = {r.region.code: r for r in response.context["data"].rows}
    for code, region in regions_of(response).items():
        row = rows[code]
        n = row.progress["loan_disbursed"]
        assert region.measure == Measure(100 * n / row.cooperatives, n, row.cooperatives)
        n = row.progress["simkopdes_active"]
        assert simkopdes[code].measure == Measure(100 * n / row.cooperatives, n, row.cooperatives)


def test_a_region_without_cooperatives_is_no_data_and_the_rest_of_the_nation_is_context(superuser, client):
    load_regions(["17"])  # Bengkulu: regions, no cooperatives
    client.force_login(superuser)
    response = client.get(MAP)
    regions = regions_of(response)
    assert set(regions) == {"15", "17"}
    assert regions["17"].measure is None and regions["17"].fill == NO_DATA_FILL
    assert regions["15"].band is not None
    region_map = response.context["map"]
    assert len(region_map.context) == 36  # the other provinces' shapes, grey, without links
    assert (region_map.width, region_map.height) == (RegionShape.objects.get(code="11").frame_width, 376)
    html = response.content.decode()
    assert 'class="map-context"' in html and "Aceh" in html
    assert [r.region.code for r in region_map.table()] == ["15", "17"]  # no data last


def test_a_region_without_a_boundary_is_in_the_table_and_named_under_the_map(login):
    RegionShape.objects.filter(code="15.71.01").delete()
    response = login("kepala.dinas").get(MAP, {"wilayah": "15.71"})
    html = response.content.decode()
    assert "15.71.01" in table_rows(html) and "15.71.01" not in svg_paths(html)
    name = Region.objects.get(code="15.71.01").name
    assert re.search(rf'id="map-no-boundary">[^<]*{name} \(15\.71\.01\)', html)


def test_the_table_is_worst_first_or_by_code(login):
    client = login("kepala.dinas")
    worst = client.get(MAP, {"wilayah": "15"}).context["rows"]
    values = [r.measure.value for r in worst]
    assert values == sorted(values)
    by_code = client.get(MAP, {"wilayah": "15", "urut": "code"}).context["rows"]
    assert [r.region.code for r in by_code] == sorted(r.region.code for r in worst)
    gap = client.get(MAP, {"wilayah": "15", "indikator": "gap"}).context["rows"]
    assert [r.measure.value for r in gap] == sorted((r.measure.value for r in gap), reverse=True)


@pytest.mark.parametrize(
    "key, cases",
    [
        ("coverage", [(49.9, "< 50%"), (50, "50–<80%"), (80, "80–<95%"), (99.9, "95–<100%"), (100, "100%")]),
        ("gap", [(0, "0"), (1, "1–2"), (2, "1–2"), (3, "3–9"), (9, "3–9"), (10, "10–49"), (49, "10–49"), (50, "≥ 50")]),
        ("outlets", [(0, "0%"), (0.1, "> 0–<10%"), (10, "10–<25%"), (24.9, "10–<25%"), (75, "≥ 75%"), (100, "≥ 75%")]),
    ],
)
def test_bands_hold_their_lower_bound(key, cases):
    indicator = BY_KEY[key]
    for value, label in cases:
        assert indicator.classify(Measure(value)).label == label, value
    assert indicator.classify(None) is None
    colours = [band.colour for band in indicator.bands]
    assert len(set(colours)) == len(colours) and NO_DATA_FILL not in colours


def test_the_legend_counts_each_band(login):
    response = login("kepala.dinas").get(MAP, {"wilayah": "15"})
    region_map = response.context["map"]
    assert sum(n for _band, n in region_map.legend) + region_map.no_data == 11
    html = response.content.decode()
    for band, n in region_map.legend:
        assert f'{band.label} <span class="text-muted">({n})</span>' in unescape(html)
    assert "How it is counted" in html or "Cara menghitung" in html


@pytest.mark.parametrize("wilayah", ["", "15", "15.01", "15.71"])
@pytest.mark.parametrize("key", ["coverage", "reports", "problems"])
def test_a_fixed_number_of_queries(login, django_assert_max_num_queries, wilayah, key):
    client = login("kepala.dinas")
    # Session, user and the two permission queries 4, the menu's scope name 1; the dashboard's
    # figures 5 (regions, cooperatives, staff, units, boards: dashboards/selectors.py); the
    # field-work rows 4 (districts: their open problems, 1); the shapes 1. The same at national
    # scope as in a regency, whatever the number of children.
    with django_assert_max_num_queries(15):
        assert client.get(MAP, {"wilayah": wilayah, "indikator": key}).status_code == 200


def test_the_national_map_is_a_few_kilobytes(superuser, client):
    client.force_login(superuser)
    sizes = {}
    for wilayah in ["", "15", "15.01"]:
        body = client.get(MAP, {"wilayah": wilayah}).content
        sizes[wilayah or "nation"] = len(gzip.compress(body))
        assert b"style=" not in body and b"<script>" not in body  # the CSP allows neither
    assert sizes["nation"] < 14_000, sizes
    assert sizes["15"] < 10_000 and sizes["15.01"] < 10_000, sizes


def test_shapes_stay_inside_the_frame():
    shapes = list(RegionShape.objects.filter(code__startswith="15"))
    assert len(shapes) == 1 + 11 + 144
    for shape in shapes:
        assert 0 <= shape.min_x < shape.max_x <= shape.frame_width, shape
        assert 0 <= shape.min_y < shape.max_y <= shape.frame_height, shape
        assert max(shape.frame_width, shape.frame_height) in (1000, 1001)
    national = RegionShape.objects.filter(parent_code="")
    assert national.count() == 38 and {s.frame_width for s in national} == {1000}


def test_odd_input_is_a_404_or_the_default(login):
    client = login("kepala.dinas")
    assert client.get(MAP, {"indikator": "<script>"}).context["indicator"].key == "coverage"
    assert indicator_for(None).key == indicator_for("nope").key == "coverage"
    assert client.get(MAP, {"urut": "¹"}).context["order"] == "worst"
    for wilayah in ["17", "abc", "99.99.99", "15.99"]:
        assert client.get(MAP, {"wilayah": wilayah}).status_code == 404, wilayah
    # Not a region code, but inside the scope: the scope's map, as the dashboard does.
    assert client.get(MAP, {"wilayah": "15.01.01.1001.9"}).context["data"].region.code == "15"
    # A district (or a village) is shown on its regency's map.
    assert client.get(MAP, {"wilayah": "15.01.01"}).context["data"].region.code == "15.01"
    assert client.get(MAP, {"wilayah": "15.01.01.2001"}).context["data"].region.code == "15.01"


def test_who_opens_the_map(client, demo):
    assert client.get(MAP).status_code == 302  # anonymous: the login page
    for username, scope in [("staf.kotajambi", "15.71"), ("pmo.kotajambi", "15.71"), ("admin.provinsi", "15")]:
        client.force_login(Group.objects.get(user__username=username).user_set.get(username=username))
        response = client.get(MAP)
        assert response.status_code == 200 and response.context["data"].region.code == scope
        assert client.get(MAP, {"wilayah": "15.01" if scope != "15" else "17"}).status_code == 404
    client.force_login(Group.objects.get(user__username="ba.kotajambi").user_set.get(username="ba.kotajambi"))
    assert client.get(MAP).url == reverse("reports:my_work")


def test_the_dashboard_links_to_its_map(login):
    html = login("kepala.dinas").get(reverse("home"), {"wilayah": "15.01"}).content.decode()
    assert f'href="{MAP}?wilayah=15.01" id="map-link"' in html


def test_cooperative_counts_in_the_demo_match_the_list(login):
    """The table's denominator at district level is the list's count, for every Kerinci district."""
    client = login("kepala.dinas")
    regions = regions_of(client.get(MAP, {"wilayah": "15.01"}))
    for code, region in regions.items():
        assert region.measure.denominator == Cooperative.objects.filter(village__code__startswith=f"{code}.").count()
