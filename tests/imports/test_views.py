import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from cooperatives.models import Cooperative
from imports.models import ImportLog
from imports.registry import KINDS
from imports.services import import_file
from tests.factories import VillageFactory
from tests.imports.files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db
PAGE = reverse("imports:import")


def upload(client, rows, kind="cooperatives", name="koperasi.xlsx"):
    return client.post(PAGE, {"kind": kind, "file": SimpleUploadedFile(name, xlsx(rows))})


@pytest.mark.parametrize("username", ["staf.kotajambi", "kepala.dinas"])
def test_only_province_admins_get_the_page(login, username):
    client = login(username)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE).status_code == 403
    assert client.get(reverse("imports:template", args=["cooperatives"])).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(PAGE).status_code == 302


def test_nav_link_for_province_admin_only(login):
    assert PAGE in login("admin.provinsi").get("/").content.decode()
    assert PAGE not in login("staf.kotajambi").get("/").content.decode()


def test_errors_then_fix_then_confirm_then_nothing_new(login):
    client = login("admin.provinsi")
    village = VillageFactory()
    bad = [["Daftar koperasi"], ["Kode Desa", "Jumlah Anggota"], [village.code, "banyak"], ["15.71.01.9999", "3"]]
    response = upload(client, bad)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [(e.row, e.code) for e in errors] == [(3, "bad_number"), (4, "unknown_village")]
    assert "confirm-import" not in response.content.decode()

    failed = client.get(reverse("imports:failed_rows", args=[response.context["token"]]))
    sheet = load_workbook(io.BytesIO(failed.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Baris" and rows[0][-1] == "Kesalahan"
    assert [r[0] for r in rows[1:]] == [3, 4]

    good = [["Kode Desa", "Jumlah Anggota"], [village.code, "45"]]
    response = upload(client, good)
    assert response.context["report"].ok
    assert not Cooperative.objects.filter(village=village).exists()  # preview writes nothing
    response = client.post(reverse("imports:confirm", args=[response.context["token"]]), follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert Cooperative.objects.get(village=village).members_count == 45

    response = upload(client, good)
    assert response.context["counts"]["unchanged"] == 1
    assert 'id="no-changes"' in response.content.decode()
    outcomes = list(
        ImportLog.objects.filter(user__username="admin.provinsi").order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["rejected", "previewed", "imported", "previewed"]


def test_a_token_belongs_to_its_session(login):
    from django.test import Client

    from accounts.models import User

    admin_client = login("admin.provinsi")
    response = upload(admin_client, [["Kode Desa", "Jumlah Anggota"], [VillageFactory().code, "4"]])
    token = response.context["token"]
    other = Client()
    superuser = User.objects.create_superuser("root", password="x")
    other.force_login(superuser)
    assert other.post(reverse("imports:confirm", args=[token])).status_code == 404
    assert other.get(reverse("imports:failed_rows", args=[token])).status_code == 404


def test_not_a_spreadsheet(login):
    client = login("admin.provinsi")
    response = client.post(PAGE, {"kind": "board", "file": SimpleUploadedFile("x.xlsx", b"%PDF\x00\x01")})
    assert [code for code, _t in response.context["report"].file_errors] == ["not_a_spreadsheet"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_have_headers_and_an_example(login, kind):
    from imports import registry

    response = login("admin.provinsi").get(reverse("imports:template", args=[kind]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Petunjuk"]
    rows = list(workbook["Data"].values)
    columns = registry.get(kind).columns
    assert list(rows[0]) == [c.header for c in columns]
    assert len(rows) == 2
    guide = list(workbook["Petunjuk"].values)
    assert registry.get(kind).label in guide[0][0]
    assert [row[0] for row in guide[-len(columns) :]] == [c.header for c in columns]
    # The file goes back in as it came out: the example row reads in every cell.
    report = import_file(
        kind=kind,
        data=response.content,
        file_name="t.xlsx",
        user=User.objects.get(username="admin.provinsi"),
        dry_run=True,
    )
    assert not report.file_errors and report.unknown_columns == []
    assert not {e.code for e in report.errors} & {
        "bad_date",
        "bad_number",
        "bad_yes_no",
        "bad_choice",
        "bad_score",
        "required",
    }


def test_a_file_over_the_limit_is_refused_without_reading_it_all(login, settings):
    settings.KDKMP_IMPORT_MAX_BYTES = 1000
    client = login("admin.provinsi")
    response = client.post(PAGE, {"kind": "cooperatives", "file": SimpleUploadedFile("big.csv", b"a,b\n" * 1000)})
    assert [code for code, _t in response.context["report"].file_errors] == ["too_large"]
    assert ImportLog.objects.get(file_name="big.csv").outcome == "refused"


BAD_CSV = {
    # a cell past Python's csv field limit (131,072 characters)
    "cell_too_long": b"Kode Desa,Alamat\n15.71.01.1001," + b"x" * 200_000 + b"\n",
    # a NUL byte after the first 4 KB (the sniffing window)
    "nul_byte": b"Kode Desa,Alamat\n" + b"15.71.01.1001,Jl. Pasar\n" * 300 + b"15.71.01.1002,Jl.\x00Pasar\n",
}


@pytest.mark.parametrize("code", BAD_CSV)
def test_file_problems_get_their_indonesian_message_on_the_page(login, code):
    client = login("admin.provinsi")
    before = Cooperative.objects.count()
    response = client.post(PAGE, {"kind": "cooperatives", "file": SimpleUploadedFile("rusak.csv", BAD_CSV[code])})
    assert response.status_code == 200
    assert [c for c, _t in response.context["report"].file_errors] == [code]
    assert "baris" in response.content.decode()
    assert "confirm-import" not in response.content.decode()
    assert ImportLog.objects.get(file_name="rusak.csv").outcome == "refused"
    assert Cooperative.objects.count() == before


def test_failed_rows_file_keeps_header_formulas_as_text(login):
    client = login("admin.provinsi")
    rows = [
        ["Kode Desa", "Jumlah Anggota", '=HYPERLINK("http://contoh.test","klik")'],
        ["15.71.01.9999", "3\x01", "=1+1"],
    ]  # a control character no xlsx cell may hold, from a csv
    response = client.post(PAGE, {"kind": "cooperatives", "file": SimpleUploadedFile("a.csv", csv_bytes(rows))})
    failed = client.get(reverse("imports:failed_rows", args=[response.context["token"]]))
    sheet = load_workbook(io.BytesIO(failed.content)).active
    header = [cell for cell in next(sheet.iter_rows(max_row=1))]
    assert header[3].value == '\'=HYPERLINK("http://contoh.test","klik")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
