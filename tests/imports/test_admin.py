"""The Django admin's import (django-import-export: preview, then confirm) on the shared path."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperatives.models import Cooperative
from imports.models import ImportLog
from tests.factories import VillageFactory
from tests.imports.files import xlsx

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:cooperatives_cooperative_import")
PROCESS = reverse("admin:cooperatives_cooperative_process_import")


def xlsx_format_index():
    from cooperatives.admin import CooperativeAdmin

    return [f.__name__ for f in CooperativeAdmin.import_formats].index("RosterXLSX")


def test_admin_preview_then_confirm(login):
    client = login("admin.provinsi")
    village = VillageFactory()
    data = xlsx([["Rekap KDKMP"], ["Kode Desa", "Jumlah Anggota"], [village.code, "77"]])
    response = client.post(
        IMPORT, {"format": xlsx_format_index(), "import_file": SimpleUploadedFile("a.xlsx", data), "resource": 0}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_validation_errors()
    assert [r.import_type for r in result.rows] == ["new"]
    assert not Cooperative.objects.filter(village=village).exists()
    confirm = response.context["confirm_form"]
    response = client.post(PROCESS, {**confirm.initial, "resource": 0})
    assert response.status_code == 302
    assert Cooperative.objects.get(village=village).members_count == 77
    assert list(ImportLog.objects.filter(channel="admin").values_list("outcome", flat=True).order_by("pk")) == [
        "previewed",
        "imported",
    ]


def test_admin_shows_row_errors_and_no_confirm(login, kerinci_cooperative):
    from accounts.models import User

    User.objects.filter(username="staf.kotajambi").update(is_staff=True)
    assert login("staf.kotajambi").get(IMPORT).status_code == 403  # staff, but may not import
    client = login("admin.provinsi")
    data = xlsx([["Kode Desa", "Jumlah Anggota"], ["15.71.01.9999", "1"], ["1501", "2"]])
    response = client.post(
        IMPORT, {"format": xlsx_format_index(), "import_file": SimpleUploadedFile("a.xlsx", data), "resource": 0}
    )
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert "confirm_form" not in response.context


def test_admin_export_is_scoped(login):
    from accounts.models import User

    User.objects.filter(username="staf.kotajambi").update(is_staff=True)
    client = login("staf.kotajambi")
    url = reverse("admin:cooperatives_cooperative_export")
    response = client.post(
        url, {"format": 0, "resource": 0, "cooperativeresource_village_code": True, "cooperativeresource_name": True}
    )
    assert response.status_code == 200, response.content[:500]
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 1 + 68
    assert all(str(r[0]).startswith("15.71.") for r in rows[1:])


def test_import_logs_are_scoped(demo):
    from django.test import RequestFactory

    from accounts.models import User
    from imports.admin import ImportLogAdmin

    kota, kerinci = User.objects.get(username="staf.kotajambi"), User.objects.get(username="staf.kerinci")
    ImportLog.objects.create(user=kota, kind="board", outcome="imported")
    ImportLog.objects.create(user=kerinci, kind="board", outcome="imported")
    ImportLog.objects.create(user=None, kind="board", outcome="imported")
    request = RequestFactory().get("/")
    model_admin = ImportLogAdmin(ImportLog, None)
    request.user = User.objects.get(username="admin.provinsi")
    assert model_admin.get_queryset(request).count() == 2
    request.user = kota
    assert list(model_admin.get_queryset(request).values_list("user__username", flat=True)) == ["staf.kotajambi"]


def test_admin_reads_files_like_the_page(login, settings):
    """Semicolon Windows-1252 csv, and the file limits with their own message."""
    from cooperatives.admin import CooperativeAdmin
    from tests.imports.files import csv_bytes

    csv_index = [f.__name__ for f in CooperativeAdmin.import_formats].index("RosterCSV")
    client = login("admin.provinsi")
    village = VillageFactory()
    data = csv_bytes(
        [["Kode Desa", "Alamat"], [village.code, "Jl. Pasar No. 1, Sérang"]], delimiter=";", encoding="cp1252"
    )
    response = client.post(
        IMPORT, {"format": csv_index, "import_file": SimpleUploadedFile("a.csv", data), "resource": 0}
    )
    assert [r.import_type for r in response.context["result"].rows] == ["new"]

    settings.KDKMP_IMPORT_MAX_BYTES = 10
    response = client.post(
        IMPORT, {"format": csv_index, "import_file": SimpleUploadedFile("a.csv", data), "resource": 0}
    )
    assert "Berkas terlalu besar" in str(response.context["form"].errors)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"Kode Desa,Alamat\n15.71.01.1001," + b"x" * 200_000 + b"\n", "terlalu panjang"),
        (b"Kode Desa,Alamat\n" + b"15.71.01.1001,Jl. Pasar\n" * 300 + b"15.71.01.1002,Jl.\x00Pasar\n", "NUL"),
        (b"Kode Desa,Alamat\n", "Berkas kosong"),
    ],
)
def test_admin_file_problems_are_answered_in_indonesian(login, data, words):
    from cooperatives.admin import CooperativeAdmin

    csv_index = [f.__name__ for f in CooperativeAdmin.import_formats].index("RosterCSV")
    before = Cooperative.objects.count()
    response = login("admin.provinsi").post(
        IMPORT, {"format": csv_index, "import_file": SimpleUploadedFile("a.csv", data), "resource": 0}
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors)
    assert words in errors and "encountered" not in errors and "No valid data" not in errors
    assert Cooperative.objects.count() == before


def test_an_admin_confirm_imports_once_and_a_forged_file_name_reads_nothing(login, tmp_path, settings):
    """Review of issue 11, finding 10: the admin's confirm imported the same upload again (or
    answered 500), and its file name, posted back by the client, named a file in the shared
    temp folder."""
    settings.KDKMP_IMPORT_DIR = str(tmp_path)
    client = login("admin.provinsi")
    village = VillageFactory()
    data = xlsx([["Kode Desa", "Jumlah Anggota"], [village.code, "77"]])
    response = client.post(
        IMPORT, {"format": xlsx_format_index(), "import_file": SimpleUploadedFile("a.xlsx", data), "resource": 0}
    )
    confirm = {**response.context["confirm_form"].initial, "resource": 0}
    assert client.post(PROCESS, confirm).status_code == 302
    again = client.post(PROCESS, confirm, follow=True)
    assert again.status_code == 200 and "sudah diimpor" in again.content.decode()
    assert ImportLog.objects.filter(channel="admin", outcome="imported").count() == 1
    outside = tmp_path.parent / "bukan-unggahan.txt"
    outside.write_text("rahasia")
    forged = client.post(PROCESS, {**confirm, "import_file_name": "../bukan-unggahan.txt"}, follow=True)
    assert forged.status_code == 200 and outside.exists()
    assert ImportLog.objects.filter(channel="admin", outcome="imported").count() == 1
