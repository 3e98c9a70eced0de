import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from cooperatives.models import Cooperative
from cooperatives.resources import BoardMemberResource, CooperativeResource
from core.exports import neutralise
from imports.services import import_file

pytestmark = pytest.mark.django_db
EXPORT_XLSX = reverse("cooperatives:export", args=["xlsx"])
EXPORT_CSV = reverse("cooperatives:export", args=["csv"])


def xlsx_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.values)


def test_list_export_has_exactly_the_filtered_scoped_rows(login):
    client = login("staf.kotajambi")
    rows = xlsx_rows(client.get(EXPORT_XLSX))
    assert rows[0][0] == "Kode Desa"
    assert len(rows) - 1 == 68
    filtered = xlsx_rows(client.get(EXPORT_XLSX, {"district": "15.71.01"}))
    expected = Cooperative.objects.filter(village__code__startswith="15.71.01.").count()
    assert len(filtered) - 1 == expected
    # A filter outside the scope is invalid for the FilterSet: no rows, never another region's.
    assert len(xlsx_rows(client.get(EXPORT_XLSX, {"regency": "15.01"}))) == 1


def test_list_page_links_keep_the_filters(login):
    content = login("staf.kotajambi").get(reverse("cooperatives:list"), {"kind": "KKMP"}).content.decode()
    assert f"{EXPORT_CSV}?kind=KKMP" in content and f"{EXPORT_XLSX}?kind=KKMP" in content


def test_csv_export_is_excel_friendly(login):
    response = login("staf.kotajambi").get(EXPORT_CSV, {"kind": "KKMP"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))  # Excel set to Indonesian
    assert len(rows) - 1 == 68  # Kota Jambi: all kelurahan
    assert len(rows[0]) == len(rows[1]) > 5 and "Kode Desa" in rows[0]


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+62812", "'+62812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Koperasi", "Koperasi"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_formula_cells_are_neutralised_in_exports(login, kota_jambi_cooperative):
    kota_jambi_cooperative.address = "=cmd|'/c calc'!A1"
    kota_jambi_cooperative.save()
    rows = xlsx_rows(login("staf.kotajambi").get(EXPORT_XLSX))
    header = rows[0]
    addresses = [r[header.index("Alamat")] for r in rows[1:]]
    assert "'=cmd|'/c calc'!A1" in addresses


@pytest.mark.parametrize("resource_class", [CooperativeResource, BoardMemberResource])
def test_an_export_reimports_unchanged(demo, resource_class):
    user = User.objects.get(username="staf.kotajambi")
    dataset = resource_class(user=user).export()
    report = import_file(
        kind=resource_class.kind, data=dataset.export("xlsx"), file_name="x.xlsx", user=user, dry_run=True
    )
    assert report.ok, report.errors[:3]
    assert report.counts["unchanged"] == len(dataset) > 0


def test_list_export_queries_do_not_grow_with_rows(login, django_assert_max_num_queries):
    client = login("admin.provinsi")
    with django_assert_max_num_queries(12):
        response = client.get(EXPORT_CSV)
    assert response.content.decode().count("\n") == 1 + 1585


def test_board_export_in_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    user = User.objects.get(username="staf.kerinci")
    with django_assert_max_num_queries(3):
        dataset = BoardMemberResource(user=user).export()
    assert len(dataset) == 5 * 287


def test_a_seat_filled_between_validation_and_write_refuses_the_board_file(demo, monkeypatch):
    """The board import is a door too: a Ketua added on the page while the file was being checked
    (a dated term, which the open-term constraint does not cover) refuses the whole file."""
    import datetime as dt

    from cooperatives.models import BoardMember
    from cooperatives.services import save_board_member
    from tests.imports.files import xlsx

    cooperative = Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village")[3]
    BoardMember.objects.filter(cooperative=cooperative, position="KETUA").update(
        term_start=dt.date(2020, 1, 1), term_end=dt.date(2025, 10, 31)
    )
    original = BoardMemberResource.write

    def write_after_a_concurrent_page(self, outcomes, progress=None):
        save_board_member(
            BoardMember(
                cooperative=cooperative,
                name="Ketua Dari Halaman",
                nik="1571014101900055",
                gender="L",
                position="KETUA",
                term_start=dt.date(2025, 11, 1),
                term_end=dt.date(2030, 11, 1),
            ),
            by=None,
        )
        return original(self, outcomes, progress)

    monkeypatch.setattr(BoardMemberResource, "write", write_after_a_concurrent_page)
    rows = [
        ["Kode Desa", "Nama", "NIK", "Jenis Kelamin", "Jabatan", "Mulai Menjabat", "Akhir Masa Jabatan"],
        [cooperative.village_id, "Ketua Dari Berkas", "1571014101900056", "P", "Ketua", "01/11/2025", "01/11/2030"],
    ]
    report = import_file(
        kind="board",
        data=xlsx(rows),
        file_name="f.xlsx",
        user=User.objects.get(username="admin.provinsi"),
        dry_run=False,
    )
    assert not report.written and "Ketua" in report.file_errors[0][1]
    assert not BoardMember.objects.filter(nik="1571014101900056").exists()


def test_a_csv_export_goes_back_in_unchanged(login, demo):
    """Semicolons and decimal commas out, the same rows in: the importer reads its own csv."""
    from accounts.models import User
    from imports.services import import_file

    content = login("staf.kotajambi").get(EXPORT_CSV, {"kind": "KKMP"}).content
    assert content.decode("utf-8-sig").splitlines()[0].count(";") > 5
    user = User.objects.get(username="staf.kotajambi")
    report = import_file(kind="cooperatives", data=content, file_name="x.csv", user=user, dry_run=True)
    assert not report.errors and report.counts["unchanged"] == 68, report.errors[:3]
