import pytest

from cooperatives.models import Cooperative
from tests.factories import cooperatives_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cooperatives(small_jambi):
    """Kota Jambi's 68 kelurahan, each with a cooperative and its board of five, and one in Kerinci."""
    return cooperatives_in("15.71", 68, board=True) + cooperatives_in("15.01", 1)


def test_kota_jambi_staff_sees_only_their_68_cooperatives(cooperatives, log_in):
    page = log_in("staf.kotajambi")
    page.click("nav a[href='/koperasi/']")
    assert page.inner_text("#result-count") == "68"
    assert page.locator("#cooperative-table tbody tr").count() == 25  # first page

    first = page.locator("#cooperative-table tbody tr a").first
    name = first.inner_text()
    first.click()
    assert page.inner_text("h1").startswith(name)
    assert "Kota Jambi" in page.inner_text(".breadcrumb")
    assert page.locator("#board-members tbody tr").count() == 5

    kerinci = Cooperative.objects.filter(village__code__startswith="15.01.").first()
    response = page.goto(f"/koperasi/{kerinci.pk}/")
    assert response.status == 404
    assert kerinci.name not in page.content()


def test_filter_by_district_in_the_browser(cooperatives, log_in):
    page = log_in("staf.kotajambi")
    page.goto("/koperasi/")
    page.select_option("select[name=district]", "15.71.01")  # auto-submits
    page.wait_for_url("**district=15.71.01**")
    expected = Cooperative.objects.filter(village__code__startswith="15.71.01.").count()
    assert page.inner_text("#result-count") == str(expected)
