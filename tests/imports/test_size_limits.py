"""The import limits take back the app's own exports (issue 16: the 14.6 MB national csv export
was refused by a 10 MB limit), while an xlsx keeps a lower bound and the zip-bomb guard."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from cooperatives.models import Cooperative
from cooperatives.resources import CooperativeResource
from cooperatives.selectors import cooperatives_for
from demo.scale import NATIONAL_VILLAGES
from imports import reading
from imports.messages import FileError

pytestmark = pytest.mark.django_db
TEN_MB = 10 * 1024 * 1024


def export_rows(kota_jambi, rows):
    """A csv like the cooperative export, `rows` long (village codes repeat: only read here)."""
    header = "Kode Desa,Nama Koperasi,Alamat,Telepon,Jumlah Anggota\r\n"
    line = "{code},Koperasi Desa Merah Putih {n:06d} {pad},Jl. Raya Desa {n} RT 01 RW 02,081234567890,{n}\r\n"
    pad = "x" * 120  # about 240 bytes a row, like the national export
    body = "".join(line.format(code=kota_jambi, n=n, pad=pad) for n in range(rows))
    return ("\ufeff" + header + body).encode()


def test_a_csv_above_ten_megabytes_is_read(kota_jambi_cooperative):
    data = export_rows(kota_jambi_cooperative.village_id, 48_000)
    assert TEN_MB < len(data) < 12 * 1024 * 1024
    grid = reading.read_grid(data)
    assert len(grid) == 48_001 and grid[0][0] == "Kode Desa" and grid[-1][-1] == "47999"


def test_a_csv_is_decoded_while_read_not_copied_whole(kota_jambi_cooperative):
    # Memory is the upload plus the grid: no copy of the whole file as text.
    data = export_rows(kota_jambi_cooperative.village_id, 2_000).replace(b"\xef\xbb\xbf", b"", 1)
    tracemalloc.start()
    grid = reading.read_grid(data)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(grid) == 2_001
    # Measured: 2.7 times the file (the grid); decoding it whole into a StringIO (4 bytes a
    # character) took 7.7 times.
    assert peak < 4 * len(data), peak / len(data)


def test_cp1252_csv_is_still_read_as_cp1252(settings):
    data = "Kode Desa,Nama\r\n15.71.01.1001,Koperasi Café\r\n".encode("cp1252")
    assert reading.read_grid(data)[1] == ["15.71.01.1001", "Koperasi Café"]
    # A UTF-8 file whose first non-ASCII byte comes late is UTF-8 throughout.
    data = ("Kode Desa,Nama\r\n" + "15.71.01.1001,Koperasi\r\n" * 5000 + "15.71.01.1002,Café\r\n").encode()
    assert reading.read_grid(data)[-1] == ["15.71.01.1002", "Café"]


def test_the_upload_page_takes_a_file_above_ten_megabytes(login, settings, tmp_path, kota_jambi_cooperative):
    # 100 rows with an address of 105,000 characters: over 10 MB, yet quick to validate.
    code = kota_jambi_cooperative.village_id
    data = b"Kode Desa,Alamat\n" + b"".join(f"{code},{'A' * 105_000}\n".encode() for _ in range(100))
    assert len(data) > TEN_MB
    response = login("admin.provinsi").post(
        reverse("imports:import"), {"kind": "cooperatives", "file": SimpleUploadedFile("besar.csv", data)}, follow=True
    )  # above KDKMP_IMPORT_BACKGROUND_BYTES: a job (run at once in tests), then its page
    report = response.context["report"]
    assert report.file_errors == []
    assert report.counts["rows"] == 100  # each row then has its own error: the address is too long


def test_an_xlsx_has_its_own_lower_bound(settings):
    settings.KDKMP_IMPORT_MAX_BYTES = 50_000
    settings.KDKMP_IMPORT_MAX_XLSX_BYTES = 5_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" + " " * 10_000)
    with pytest.raises(FileError) as exc:
        reading.read_grid(buffer.getvalue())
    assert exc.value.code == "too_large"
    assert len(reading.read_grid(b"a,b\n" * 2_000)) == 2_000  # a csv of the same size is read


def test_the_limits_hold_the_national_export(demo):
    """The relation that broke: the app's own national export must fit every import limit. The
    demo's export (every field the demo fills), scaled to the nation's 83,762 villages, with its
    widest row for the csv and half again the mean for the xlsx."""
    user = User.objects.get(username="admin.provinsi")
    dataset = CooperativeResource(user=user).export(queryset=cooperatives_for(user))
    rows = len(dataset)
    assert rows == Cooperative.objects.count() == 1585
    limits = reading.limits()

    csv = ("\ufeff" + dataset.export("csv")).encode()
    widest = max(len(line) for line in csv.splitlines())
    assert widest * NATIONAL_VILLAGES < limits["max_bytes"]

    xlsx = dataset.export("xlsx")
    assert len(xlsx) / rows * 1.5 * NATIONAL_VILLAGES < limits["max_xlsx_bytes"]
    unzipped = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(xlsx)).infolist())
    assert unzipped / rows * 1.5 * NATIONAL_VILLAGES < limits["max_unzipped_bytes"]

    assert NATIONAL_VILLAGES <= limits["max_rows"]
    assert (NATIONAL_VILLAGES + 1) * len(dataset.headers) <= limits["max_cells"]
    assert len(dataset.headers) <= limits["max_columns"]
