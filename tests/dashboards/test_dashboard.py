import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assistants.models import Assignment
from cooperatives.models import Cooperative
from dashboards.selectors import dashboard_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def test_head_sees_the_jambi_figures(login):
    response = login("kepala.dinas").get(HOME)
    data = response.context["data"]
    total = data.total
    assert total.cooperatives == 1585
    assert total.with_ba == 1554 and total.without_ba == 31
    assert round(total.coverage, 1) == 98.0
    assert (total.pmo, total.ba) == (24, 156)
    assert (total.bas_needed, total.gap) == (163, 7)
    assert total.ba_full == 150 and total.ba_under_7 == 0
    assert len(data.rows) == 11
    kerinci = next(r for r in data.rows if r.region.code == "15.01")
    assert (kerinci.cooperatives, kerinci.with_ba, kerinci.ba, kerinci.bas_needed, kerinci.gap) == (287, 280, 28, 29, 1)
    assert total.milestones["legal_entity_date"] == Cooperative.objects.filter(legal_entity_date__isnull=False).count()
    assert sum(n for _load, n in data.load_histogram) == 156


def test_regency_user_sees_only_the_regency(login):
    client = login("staf.kotajambi")
    data = client.get(HOME).context["data"]
    assert data.region.code == "15.71" and data.total.cooperatives == 68
    assert [r.region.level for r in data.rows] == ["district"] * 11
    assert client.get(HOME, {"wilayah": "15.01"}).status_code == 404
    assert (
        client.get(HOME, {"wilayah": "15.71.01"}).context["data"].total.cooperatives
        == Cooperative.objects.filter(village__code__startswith="15.71.01.").count()
    )


def test_drill_down_to_a_district(login):
    client = login("kepala.dinas")
    response = client.get(HOME, {"wilayah": "15.01.01"})
    assert response.context["child_is_village"]
    assert [r.code for r in response.context["data"].breadcrumbs] == ["15", "15.01", "15.01.01"]


@pytest.mark.parametrize(
    "username, wilayah",
    [("kepala.dinas", ""), ("kepala.dinas", "15.01"), ("staf.kerinci", ""), ("kepala.dinas", "15.01.01")],
)
def test_queries_are_bounded(login, django_assert_max_num_queries, username, wilayah):
    client = login(username)
    # 12 for the dashboard's own figures, 1 + 4 for the field-work card (reports/selectors.py).
    with django_assert_max_num_queries(17):
        assert client.get(HOME, {"wilayah": wilayah} if wilayah else {}).status_code == 200


def test_figures_follow_the_data(login, django_assert_max_num_queries):
    """Ending assignments moves coverage; the query count stays the same."""
    Assignment.objects.filter(cooperative__village__code__startswith="15.71.").update(end_date="2025-11-20")
    data = dashboard_for(login("kepala.dinas").get(HOME).wsgi_request.user)
    assert data.total.with_ba == 1554 - 68
    kota = next(r for r in data.rows if r.region.code == "15.71")
    assert kota.coverage == 0 and kota.ba_under_7 == 7


def test_numbers_link_to_their_lists(login):
    client = login("kepala.dinas")
    html = client.get(HOME).content.decode()
    assert 'href="/koperasi/?wilayah=15"' in html
    assert 'href="/penugasan/?wilayah=15"' in html
    assert "/koperasi/?wilayah=15.01" in html
    assert "/pendamping/?wilayah=15&amp;load=full&amp;status=active" in html
    assert client.get("/koperasi/", {"wilayah": "15.01"}).context["table"].paginator.count == 287
    assert client.get("/penugasan/", {"wilayah": "15.01"}).context["groups"]
    pmo = client.get("/pendamping/", {"wilayah": "15", "role": "PMO", "status": "active"})
    assert pmo.context["table"].paginator.count == 24


def test_export_xlsx(login):
    response = login("kepala.dinas").get(HOME, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.values)
    assert len(rows) == 1 + 11 + 1
    assert rows[-1][2] == 1585 and rows[-1][3] == 1554


def test_user_without_scope_gets_404(client, demo):
    client.force_login(UserFactory())
    assert client.get(HOME).status_code == 404


def test_superuser_sees_the_nation(client, demo):
    client.force_login(UserFactory(is_superuser=True))
    data = client.get(HOME).context["data"]
    assert data.region is None and len(data.rows) >= 1
    assert data.total.cooperatives == Cooperative.objects.count()


def test_training_figures(login):
    from trainings.models import Enrollment

    data = login("kepala.dinas").get(HOME).context["data"]
    completed = Enrollment.objects.filter(status="completed")
    staff = completed.filter(assistant__role__in=["PMO", "BA"], cohort__program__audience="staff")
    assert 0 < data.trained_staff == staff.values("assistant").distinct().count() <= 180
    assert data.trained_staff_share == pytest.approx(100 * data.trained_staff / 180)
    boards = completed.filter(board_member__isnull=False).values("board_member__cooperative").distinct().count()
    assert 0 < data.trained_board_cooperatives == boards <= 68
    composition = dict(data.training_composition)
    assert sum(composition.values()) == completed.count()
    kerinci = login("staf.kerinci").get(HOME).context["data"]
    assert kerinci.trained_board_cooperatives == 0  # the demo board training is Kota Jambi's


@pytest.mark.parametrize("url", ["/", "/peta/", "/tren/"])
def test_breadcrumbs_start_at_the_users_scope(login, url):
    """A regency's staff was offered its province in the breadcrumb, which answers 404."""
    client = login("staf.kerinci")
    page = client.get(url, {"wilayah": "15.01.01"})
    links = re.findall(r'<li class="breadcrumb-item"><a href="([^"]+)"', page.content.decode())
    assert links and not any("wilayah=15&" in link or link.endswith("wilayah=15") for link in links)
    for link in links:
        target = link if link.startswith("/") else url + link
        assert client.get(target.replace("&amp;", "&")).status_code == 200, link


def test_the_staff_card_says_what_each_number_counts(login):
    html = login("kepala.dinas").get(reverse("home")).content.decode()
    assert "BA yang mencapai batas 10 koperasi:" in html and "BA dengan kurang dari 7 koperasi:" in html


def test_districts_show_who_serves_them_not_staffing_of_their_own(login):
    """Below a regency every district row showed PMO 0, BA 0, needed 0, gap 0, and the export a
    shortage no district has: BAs work per regency. A district shows the BAs serving it."""
    client = login("kepala.dinas")
    page = client.get(reverse("home"), {"wilayah": "15.71"})
    html = page.content.decode()
    header = html.split('id="region-table"')[1].split("</thead>")[0]
    assert "PMO" not in header and "Kekurangan" not in header
    for row in page.context["rows"]:
        active = Assignment.objects.filter(end_date__isnull=True)
        serving = (
            active.filter(cooperative__village__code__startswith=row.region.code + ".")
            .values("assistant")
            .distinct()
            .count()
        )
        assert row.bas_serving == serving
        assert f'data-serving="{row.region.code}">{serving}<' in html
    sheet = load_workbook(io.BytesIO(client.get(reverse("home"), {"wilayah": "15.71", "export": "xlsx"}).content))
    rows = list(sheet.worksheets[0].values)
    header, districts, total = rows[0], rows[1:-1], rows[-1]
    gap, serving_column = header.index("Kekurangan"), header.index("BA yang melayani")
    assert all(r[gap] is None and r[serving_column] is not None for r in districts)
    assert total[gap] is not None  # the regency's own shortage


def test_charts_read_like_the_figures_beside_them(login):
    """Labels that can be told apart, thousands separators, and colour that means something."""
    context = login("kepala.dinas").get(reverse("home")).context
    labels = [bar.label[:28] for bar in context["coverage_chart"]["bars"]]
    assert len(set(labels)) == len(labels)  # "Kab. Tanjung Jabung Barat" / "... Timur"
    assert context["funnel_chart"]["bars"][0].text == "1.585"
    for bar in context["coverage_chart"]["bars"]:
        assert bar.tone == ("chart-bar-good" if bar.value >= 95 else "chart-bar-fair" if bar.value >= 80 else "")
