"""Every dashboard figure counted a second, independent way (Python over the demo's rows) at
province, regency and district level, and compared with the page, its rows and the export.
The figures after formation have their own test (test_progress_figures); here are the rest."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assistants.models import Assignment
from cooperatives.models import BusinessUnit, Cooperative

from .test_progress_figures import independently

pytestmark = pytest.mark.django_db
LEVELS = ["15", "15.71", "15.71.01"]  # Jambi, Kota Jambi, Telanaipura


def export_rows(client, wilayah):
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("home"), {"wilayah": wilayah, "export": "xlsx"}).content)
    ).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]


def recount(wilayah):
    """The figures written out again from the rows."""
    today = timezone.localdate()
    cooperatives = list(
        Cooperative.objects.filter(village__code__startswith=f"{wilayah}.").prefetch_related("partnerships")
    )
    served = set(
        Assignment.objects.filter(end_date__isnull=True, cooperative__in=cooperatives).values_list(
            "cooperative_id", flat=True
        )
    )
    bas = set(
        Assignment.objects.filter(end_date__isnull=True, cooperative__in=cooperatives).values_list(
            "assistant_id", flat=True
        )
    )
    units = BusinessUnit.objects.filter(status="operating", cooperative__in=cooperatives)
    return {
        "cooperatives": len(cooperatives),
        "with_ba": len(served),
        "without_ba": len(cooperatives) - len(served),
        "bas_serving": len(bas),
        "units": {t: units.filter(unit_type=t).count() for t in units.values_list("unit_type", flat=True)},
        "legal_entity": sum(independently(c, "legal_entity", today) for c in cooperatives),
        "outlet_operating": sum(independently(c, "outlet_operating", today) for c in cooperatives),
    }


@pytest.mark.parametrize("wilayah", LEVELS)
def test_every_figure_agrees_at_each_level(login, wilayah):
    client = login("kepala.dinas")
    expected = recount(wilayah)
    page = client.get(reverse("home"), {"wilayah": wilayah})
    data = page.context["data"]
    total = data.total
    assert (total.cooperatives, total.with_ba, total.without_ba) == (
        expected["cooperatives"],
        expected["with_ba"],
        expected["without_ba"],
    )
    assert round(total.coverage, 3) == round(100 * expected["with_ba"] / expected["cooperatives"], 3)
    assert {value: n for _label, value, n in data.units_operating if n} == expected["units"]
    # The rows below add up to the total, figure by figure.
    for figure in ("cooperatives", "with_ba"):
        assert sum(getattr(row, figure) for row in data.rows) == getattr(total, figure), figure
    for key in ("legal_entity", "outlet_operating"):
        assert sum(row.progress[key] for row in data.rows) == total.progress[key] == expected[key], key
    # The export says the same, row by row and in total.
    rows = export_rows(client, wilayah)
    total_row = rows[-1]
    assert (total_row["Koperasi"], total_row["Dengan BA"], total_row["Tanpa BA"]) == (
        expected["cooperatives"],
        expected["with_ba"],
        expected["without_ba"],
    )
    assert [r["Koperasi"] for r in rows[:-1]] == [row.cooperatives for row in data.rows]
    html = page.content.decode()
    shown = f"{expected['cooperatives']:,}".replace(",", ".")  # 1.585
    assert f'id="fig-cooperatives" href="/koperasi/?wilayah={wilayah}">{shown}<' in html


def test_a_district_claims_no_staffing_gap_of_its_own(login):
    """The district export said "shortage 1" for a district whose every cooperative has a BA:
    below a regency there is no staff of its own, so staffing cells stay empty and the number
    of BAs serving it is shown instead, on the page and in the export."""
    client = login("kepala.dinas")
    expected = recount("15.71.01")
    assert expected["without_ba"] == 0
    page = client.get(reverse("home"), {"wilayah": "15.71.01"})
    html = page.content.decode()
    assert 'id="fig-gap"' not in html and 'id="fig-bas-needed"' not in html
    assert f'id="fig-bas-serving">{expected["bas_serving"]}<' in html
    total_row = export_rows(client, "15.71.01")[-1]
    assert total_row["Kekurangan"] is None and total_row["BA dibutuhkan"] is None and total_row["PMO"] is None
    assert total_row["BA yang melayani"] == expected["bas_serving"]
    # A regency keeps its own staffing (BAs work there).
    regency_total = export_rows(client, "15.71")[-1]
    assert regency_total["BA"] == 7 and regency_total["Kekurangan"] == 0
