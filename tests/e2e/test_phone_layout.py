"""Every page of the access matrix, as each role that may open it, at 360 px wide: none scrolls
sideways (lists and tables scroll inside their box). The pages and their objects are the access
matrix's own (tests/kdkmp/test_access_matrix.py), so a new page is checked without being listed."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import User
from tests.kdkmp.test_access_matrix import FIXED_ARGS, PAGES, ROLES, build_url, objects  # noqa: F401

from .conftest import log_in_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 780}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_no_page_scrolls_sideways_at_360_px(page, log_in, objects, role):  # noqa: F811
    client = Client()
    client.force_login(User.objects.get(username=role))
    urls = []
    for name, (method, _permission, key, _ba_sees) in PAGES.items():
        if method != "GET" or (key in FIXED_ARGS and FIXED_ARGS[key][1] != 200):
            continue
        url = build_url(name, key, objects["in"], role)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            urls.append(url)
    assert len(urls) > 10, urls
    page.set_viewport_size(PHONE)
    log_in(role)
    too_wide = []
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width}px")
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("role", ["admin.provinsi", "staf.kotajambi", "ba.kotajambi"])
def test_the_menu_fits_an_office_laptop(page, log_in, small_jambi, role):
    """The province admin has the longest menu: grouped, it fits 1366 px on one line."""
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(role)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height") < 80


def test_list_filters_fold_behind_one_button_on_a_phone(page, log_in, small_jambi):
    """On a phone the filters take one line until asked for, and the button says how many are
    set; on a laptop they are open and the button is not shown."""
    page.set_viewport_size(PHONE)
    log_in("staf.kotajambi")
    page.goto("/koperasi/")
    expect(page.locator("#filter-form")).to_be_hidden()
    expect(page.locator("#filter-toggle")).to_have_text("Filter")
    page.click("#filter-toggle")
    expect(page.locator("#filter-form")).to_be_visible()
    page.fill("#id_q", "sungai")
    # Submit once the form has finished unfolding, and wait for the filtered page.
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    assert "q=sungai" in page.url
    expect(page.locator("#filter-toggle")).to_contain_text("1 diisi")
    expect(page.locator("#filter-form")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.locator("#filter-form")).to_be_visible()
    expect(page.locator("#filter-toggle")).to_be_hidden()

    # A dashboard link filters by its hidden region field: that counts too.
    page.set_viewport_size(PHONE)
    page.goto("/koperasi/?wilayah=15.71")
    expect(page.locator("#filter-toggle")).to_contain_text("1 diisi")


def test_without_javascript_the_list_filters_stay_open_on_a_phone(browser, live_server, password, small_jambi):
    """A phone with scripts off: the fold needs Bootstrap's script, so without it the form is
    shown (templates/base.html loads static/css/noscript.css) and the button is not."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    try:
        page.set_viewport_size(PHONE)
        log_in_on(page, "staf.kotajambi", password)
        page.goto("/koperasi/")
        expect(page.locator("#filter-form")).to_be_visible()
        expect(page.locator("#filter-toggle")).to_be_hidden()
        page.fill("#id_q", "sungai")
        with page.expect_navigation():
            page.press("#id_q", "Enter")
        assert "q=sungai" in page.url
        expect(page.locator("#filter-form")).to_be_visible()
        assert page.locator("#filter-form").bounding_box()["width"] <= PHONE["width"]
    finally:
        context.close()
