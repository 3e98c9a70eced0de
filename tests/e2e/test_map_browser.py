"""The map in a real browser (issue 14's acceptance): the national map, click Jambi, its 11
regencies coloured by coverage with the legend, switch to "outlets operating", click a regency,
its districts, follow a district to its cooperative list, whose count is the map's number. It
prints without the menu, and no page scrolls sideways at 360 px (nor at 1366 px)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cooperatives.models import Cooperative, Region
from dashboards.boundaries import load_boundaries
from dashboards.models import RegionShape
from tests.factories import AssignmentFactory, AssistantFactory, UserFactory, cooperatives_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HATCH = "url(#map-no-data)"


@pytest.fixture
def mapped_jambi(small_jambi, password):
    """Jambi's boundaries; three cooperatives in every regency, two with a BA; in Kerinci four in
    Gunung Raya (15.01.01), three of them with an operating outlet, and two in Danau Kerinci."""
    load_boundaries(["15"])
    for regency in Region.objects.filter(parent_id="15").exclude(code="15.01"):
        ba = AssistantFactory(work_area_id=regency.code)
        for cooperative in cooperatives_in(regency.code, 3)[:2]:
            AssignmentFactory(assistant=ba, cooperative=cooperative)
    gunung_raya = cooperatives_in("15.01.01", 4)
    cooperatives_in("15.01.02", 2)
    Cooperative.objects.filter(pk__in=[c.pk for c in gunung_raya[:3]]).update(
        outlet_operating_date=dt.date(2025, 11, 3)
    )
    UserFactory(username="nasional.peta", is_superuser=True, password=password)
    return small_jambi


def click_region(page, code):
    """Click inside a region's shape (its bounding box's centre may lie in a neighbour): a point
    in the middle of the widest run across the shape's middle row, from the stored path."""
    shape = RegionShape.objects.get(code=code)
    y = (shape.min_y + shape.max_y) / 2 + 0.5
    crossings = []
    for ring in rings_of(shape.d):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 <= y) != (y1 <= y):
                crossings.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    runs = list(zip(crossings[::2], crossings[1::2], strict=True))
    left, right = max(runs, key=lambda run: run[1] - run[0])
    path = page.locator(f"svg#map a[data-code='{code}'] path")
    box = path.bounding_box()
    scale = box["width"] / (shape.max_x - shape.min_x)
    path.click(position={"x": ((left + right) / 2 - shape.min_x) * scale, "y": (y - shape.min_y) * scale})


def rings_of(d):
    rings, x, y, start = [], 0, 0, (0, 0)
    for command, numbers in re.findall(r"([MmLlz])([^MmLlz]*)", d):
        values = [int(n) for n in re.findall(r"-?\d+", numbers)]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        if command in "Mm":
            x, y = pairs[0] if command == "M" else (start[0] + pairs[0][0], start[1] + pairs[0][1])
            start = (x, y)
            rings.append([(x, y)])
        elif command == "l":
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                rings[-1].append((x, y))
    return rings


def fills(page):
    regions = page.locator("svg#map a[data-code] path")
    return [regions.nth(i).get_attribute("fill") for i in range(regions.count())]


def width_at(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_head_follows_the_map_down_to_a_districts_cooperatives(page, log_in, mapped_jambi):
    log_in("nasional.peta")
    page.goto("/peta/")
    expect(page.locator("svg#map a[data-code]")).to_have_count(1)  # Jambi; the rest of the nation is context
    expect(page.locator("svg#map .map-context path")).to_have_count(37)
    assert width_at(page, 360) <= 360

    page.set_viewport_size({"width": 1366, "height": 900})
    click_region(page, "15")
    page.wait_for_url("**/peta/?wilayah=15&indikator=coverage")
    expect(page.locator("h1")).to_have_text("Peta: Jambi")
    expect(page.locator("svg#map a[data-code]")).to_have_count(11)
    coloured = fills(page)
    assert len(coloured) == 11 and HATCH not in coloured  # every regency has a figure
    expect(page.locator("#map-legend")).to_contain_text("50–<80%")
    expect(page.locator("#map-legend")).to_contain_text("tidak ada data")
    expect(page.locator("#map-how")).to_contain_text("penugasan BA aktif")
    expect(page.locator("#map-table tr[data-code='15.02'] .map-value")).to_have_text("66,7%")
    expect(page.locator("#map-table tr[data-code='15.01'] .map-value")).to_have_text("0,0%")
    assert width_at(page, 360) <= 360

    page.set_viewport_size({"width": 1366, "height": 900})
    page.select_option("#id_indikator", "outlets")  # submits itself (static/js/kdkmp.js)
    page.wait_for_url("**/peta/?wilayah=15&indikator=outlets")
    expect(page.locator("#map-indicator")).to_have_text("Gerai beroperasi")
    expect(page.locator("#map-table tr[data-code='15.01'] .map-ratio")).to_have_text("3 / 6")

    click_region(page, "15.01")
    page.wait_for_url("**/peta/?wilayah=15.01&indikator=outlets")
    expect(page.locator("h1")).to_have_text("Peta: Kabupaten Kerinci")
    expect(page.locator("svg#map a[data-code]")).to_have_count(18)
    row = page.locator("#map-table tr[data-code='15.01.01']")
    expect(row.locator(".map-value")).to_have_text("75,0%")
    number = row.locator(".map-ratio").inner_text().split(" / ")[0]
    assert number == "3"
    expect(page.locator("svg#map a[data-code='15.01.01'] title")).to_have_text("Gunung Raya: 75,0% (3 / 4)")
    assert width_at(page, 360) <= 360
    page.set_viewport_size({"width": 1366, "height": 900})

    # On paper: the map and the table, without the menu and the form.
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#map-form")).to_be_hidden()
    expect(page.locator("svg#map")).to_be_visible()
    expect(page.locator("#map-table")).to_be_visible()
    page.emulate_media(media="screen")

    click_region(page, "15.01.01")
    page.wait_for_url("**/koperasi/?wilayah=15.01.01&indikator=outlet_operating")
    expect(page.locator("#result-count")).to_have_text(number)


def test_the_map_opens_from_the_dashboard_for_a_regency_and_fits_1366(page, log_in, mapped_jambi):
    log_in("staf.kerinci")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#map-link")
    page.wait_for_url("**/peta/?wilayah=15.01")
    expect(page.locator("svg#map a[data-code]")).to_have_count(18)
    expect(page.locator("#map-table tbody tr")).to_have_count(18)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.select_option("#id_indikator", "gap")
    page.wait_for_url("**indikator=gap")
    assert set(fills(page)) == {HATCH}  # BAs work per regency: no district figure
    expect(page.locator("#map-total")).to_have_text("1")  # 6 cooperatives need 1 BA, none works there
    assert width_at(page, 360) <= 360
