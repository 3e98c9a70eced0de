import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_reads_the_jambi_dashboard_and_follows_a_number(demo, log_in):
    """Acceptance on the demo: the field's figures (1,585 cooperatives, 163 BAs needed, 156 at work)."""
    page = log_in("kepala.dinas")
    assert page.inner_text("#fig-cooperatives") == "1.585"
    assert page.inner_text("#fig-with-ba") == "1.554"
    assert page.inner_text("#fig-coverage") == "98,0%"
    assert page.inner_text("#fig-bas-needed") == "163"
    assert page.inner_text("#fig-bas-available") == "156"
    assert page.inner_text("#fig-gap") == "7"
    assert page.locator("svg.chart").count() >= 3

    page.click("#region-table >> text=Kabupaten Kerinci")
    assert page.inner_text("h1") == "Kabupaten Kerinci"
    page.click("#fig-cooperatives")
    page.wait_for_url("**/koperasi/?wilayah=15.01")
    assert page.inner_text("#result-count") == "287"


def test_the_printed_dashboard_has_a_dated_header_and_no_menu(small_jambi, log_in):
    """On paper (print media): the dated header shows, the menu and the buttons do not."""
    page = log_in("staf.kotajambi")
    assert not page.locator("#print-header").is_visible()  # on screen: hidden
    page.emulate_media(media="print")
    assert page.locator("#print-header").is_visible()
    assert "Kota Jambi" in page.inner_text("#print-header")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("#print-dashboard").is_visible()
