"""The cooperative list at national scope (issue 16): region pickers that offer only the
children of the chosen region, a count that stops counting past a limit, pages read by id, and
the search's trigram indexes on PostgreSQL."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from cooperatives.filters import CooperativeFilter
from cooperatives.models import Cooperative, Region
from cooperatives.services import load_regions
from tests.factories import CooperativeFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("cooperatives:list")


@pytest.fixture
def nation(demo):
    """The demo (Jambi) plus Jawa Barat's 27 regencies, 627 districts and 5,957 villages, a few
    of them with a cooperative: enough regions that a picker of every district would weigh."""
    load_regions(["32"])
    for village in Region.objects.filter(level="village", code__startswith="32.01.01.")[:5]:
        CooperativeFactory(village=village)


@pytest.fixture
def national(client, nation):
    client.force_login(UserFactory(is_superuser=True, username="nasional"))
    return client


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the cached counts of another test's data
    yield
    cache.clear()


def choices(response, field):
    return [str(code) for code, _label in response.context["filter"].form.fields[field].choices if code]


def test_national_list_is_light_with_a_bounded_number_of_queries(national, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = national.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert html.count("<option") < 100  # 2 provinces and the small choice lists, no regions below
    assert choices(response, "province") == ["15", "32"]
    assert choices(response, "regency") == choices(response, "district") == []
    assert response.context["table"].paginator.count == 1585 + 5


def test_a_chosen_province_offers_its_regencies_and_a_regency_its_districts(national):
    """The path without JavaScript: choose, press Filter, the next picker has the choices."""
    by_province = national.get(LIST, {"province": "32"})
    assert len(choices(by_province, "regency")) == 27
    assert all(code.startswith("32.") for code in choices(by_province, "regency"))
    assert choices(by_province, "district") == []
    assert by_province.context["table"].paginator.count == 5
    by_regency = national.get(LIST, {"province": "32", "regency": "32.01"})
    districts = choices(by_regency, "district")
    assert districts and all(code.startswith("32.01.") for code in districts)
    # A link naming only a district: the province and regency are read from its code.
    by_district = national.get(LIST, {"district": "32.01.01"})
    assert by_district.context["filter"].form.is_valid()
    assert by_district.context["filter"].form.cleaned_data["regency"].code == "32.01"
    assert by_district.context["table"].paginator.count == 5


def test_changing_the_province_drops_the_regency_of_the_old_one(national):
    """Without JavaScript the form still sends the old regency and district: the new province
    wins and the list is the province's, not an error."""
    response = national.get(LIST, {"province": "32", "regency": "15.71", "district": "15.71.01"})
    form = response.context["filter"].form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["regency"] is None and form.cleaned_data["district"] is None
    assert response.context["table"].paginator.count == 5


def test_the_pickers_autosubmit_through_the_static_script(national):
    html = national.get(LIST).content.decode()
    for name in ("province", "regency", "district"):
        assert re.search(rf'<select name="{name}"[^>]*data-autosubmit', html)
    assert "<script>" not in html  # the strict CSP: no inline script


def test_a_regency_user_gets_no_other_regency_or_province(login):
    client = login("staf.kotajambi")
    response = client.get(LIST)
    assert "province" not in response.context["filter"].form.fields
    assert choices(response, "regency") == ["15.71"]
    own = choices(response, "district")
    assert own and all(code.startswith("15.71.") for code in own)
    for params in ({"district": "15.01.01"}, {"regency": "15.01", "district": "15.01.01"}, {"province": "32"}):
        response = client.get(LIST, params)
        assert not any(code.startswith(("15.01", "32")) for code in choices(response, "district")), params
        assert not any(code.startswith(("15.01", "32")) for code in choices(response, "regency")), params
        rows = response.context["table"].data.data
        assert not rows.exclude(village__code__startswith="15.71.").exists(), params
    html = client.get(LIST, {"district": "15.01.01"}).content.decode()
    assert 'value="15.01.01"' not in html


def test_anonymous_is_sent_to_login_from_a_picked_list(client):
    response = client.get(LIST, {"province": "15", "regency": "15.71"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_above_the_limit_the_count_is_cached_and_said_to_be_approximate(login, settings):
    settings.KDKMP_LIST_EXACT_COUNT_LIMIT = 100
    client = login("admin.provinsi")
    html = client.get(LIST).content.decode()
    assert "sekitar 1.585" in html and 'id="count-note"' in html
    # A new cooperative does not show until the cached count expires: the count is not redone.
    CooperativeFactory()  # in a new village of Kota Jambi
    assert client.get(LIST).context["table"].paginator.count == 1585
    cache.clear()
    assert client.get(LIST).context["table"].paginator.count == 1586
    # Under the limit the count is exact on every view and says nothing more.
    html = login("staf.kotajambi").get(LIST).content.decode()
    assert "sekitar" not in html and 'id="count-note"' not in html
    assert re.search(r'id="result-count">69<', html)  # 68 and the new one


@pytest.mark.parametrize("sort", ["district", "-regency", "ba_name", "-ba_name", "kind", "-members_count"])
def test_every_row_appears_once_across_the_pages_of_any_sort(login, settings, sort):
    """Pages are read by id with the id as the last sort key: rows that tie on the sorted
    column are neither repeated nor skipped from one page to the next."""
    settings.KDKMP_PAGE_SIZE = 10
    client = login("staf.kotajambi")
    seen = []
    for page in range(1, 8):
        table = client.get(LIST, {"sort": sort, "page": page}).context["table"]
        seen += [row.record.pk for row in table.page.object_list]
    assert len(seen) == len(set(seen)) == 68


def test_sorting_by_district_and_ba_follows_the_names(login):
    client = login("staf.kotajambi")
    first = client.get(LIST, {"sort": "-district"}).context["table"].page.object_list.data[0]
    last_name = max(Region.objects.filter(level="district", code__startswith="15.71.").values_list("name", flat=True))
    assert first.village.parent.name == last_name
    names = [row.record.ba_name for row in client.get(LIST, {"sort": "ba_name"}).context["table"].page.object_list]
    named = [n for n in names if n]
    assert named == sorted(named)


def test_the_export_takes_the_same_picked_regions(login):
    response = login("admin.provinsi").get(reverse("cooperatives:export", args=["csv"]), {"regency": "15.71"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).count(b"\n") == 68 + 1


def test_a_filterset_without_data_offers_the_scope_only(demo):
    user = UserFactory(scope_region_id="15.71")
    filterset = CooperativeFilter(None, queryset=Cooperative.objects.all(), user=user)
    assert list(filterset.filters["regency"].queryset.values_list("code", flat=True)) == ["15.71"]


on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")


@pytest.mark.postgres
@on_postgres
def test_the_search_uses_the_trigram_indexes(login):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"coop_name_trgm", "region_name_trgm", "board_name_trgm", "coop_phone_trgm", "board_phone_trgm"} <= indexes
    table = login("admin.provinsi").get(LIST, {"q": "sipin"}).context["table"]
    rows = table.data.data.order_by().values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # The demo is small and freshly written: fresh statistics, and no sequential scans, so
        # that the plan shows what the planner does at national size.
        cursor.execute("ANALYZE cooperatives_region, cooperatives_cooperative, cooperatives_boardmember")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # (With Jambi's 1,585 villages the planner may read the region table by another index.)
    assert "coop_name_trgm" in plan and "board_name_trgm" in plan
