import datetime as dt
import io
import zipfile

import pytest

from cooperatives.models import Region
from imports import reading
from imports.messages import FileError
from tests.imports.files import csv_bytes, xlsx

ALIASES = {"kodedesa": "village_code", "nama": "name", "nik": "nik", "nohp": "phone"}


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_file"),
        (b"   \n", "empty_file"),
        (reading.OLE2_MAGIC + b"\x00" * 100, "encrypted_or_xls"),
        (b"%PDF-1.7\x00\x01\x02binary", "not_a_spreadsheet"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, code):
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileError) as exc:
        reading.read_grid(buffer.getvalue())
    assert exc.value.code == "not_a_spreadsheet"


def test_declared_unzipped_size_is_refused_before_parsing(settings):
    settings.KDKMP_IMPORT_MAX_UNZIPPED_BYTES = 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 1_000_000)  # compresses to ~1 kB
    assert len(buffer.getvalue()) < 10_000
    with pytest.raises(FileError) as exc:
        reading.read_grid(buffer.getvalue())
    assert exc.value.code == "too_large_unzipped"


def test_size_and_row_limits(settings):
    settings.KDKMP_IMPORT_MAX_BYTES = 100
    with pytest.raises(FileError) as exc:
        reading.read_grid(b"a,b\n" * 100)
    assert exc.value.code == "too_large"
    settings.KDKMP_IMPORT_MAX_BYTES = 10_000
    settings.KDKMP_IMPORT_MAX_ROWS = 5
    with pytest.raises(FileError) as exc:
        reading.read_grid(b"a,b\n" * 50)
    assert exc.value.code == "too_many_rows"


def test_csv_semicolon_windows_1252():
    data = csv_bytes([["Kode Desa", "Nama"], ["15.71.01.1001", "Koperasi Sérasi"]], delimiter=";", encoding="cp1252")
    assert reading.read_grid(data) == [["Kode Desa", "Nama"], ["15.71.01.1001", "Koperasi Sérasi"]]


def test_csv_utf8_with_bom_and_comma():
    data = "\ufeffKode Desa,Nama\n15.71.01.1001,Koperasi Jaya\n".encode()
    assert reading.read_grid(data)[0] == ["Kode Desa", "Nama"]


def test_xlsx_trailing_blank_rows_dropped():
    grid = reading.read_grid(xlsx([["Kode Desa"], ["15.71.01.1001"], [None], [""]]))
    assert grid == [["Kode Desa"], ["15.71.01.1001"]]


def test_header_row_found_below_titles_and_matched_loosely():
    grid = [
        ["DAFTAR PENGURUS KOPERASI", None, None],
        ["Provinsi Jambi, Oktober 2025", None, None],
        [],
        ["KODE  DESA", "Nama", "No. HP", "Catatan"],
        ["15.71.01.1001", "Ahmad", "0812"],
    ]
    match = reading.find_header(grid, ALIASES)
    assert match.row_index == 3
    assert match.columns == {0: "village_code", 1: "name", 2: "phone"}
    assert match.unknown == ["Catatan"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("15.71.01.1001", "15.71.01.1001"),
        ("1571011001", "15.71.01.1001"),
        (1571011001.0, "15.71.01.1001"),
        ("1571011001.0", "15.71.01.1001"),
        (" 15.71 ", "15.71"),
        ("", ""),
        (None, ""),
    ],
)
def test_region_codes_in_every_form(value, expected):
    assert reading.region_code(value) == expected


@pytest.mark.parametrize("value", ["15.7.1", "157101100", "abc"])
def test_bad_region_codes(value):
    with pytest.raises(reading.CellError) as exc:
        reading.region_code(value)
    assert exc.value.code == "bad_region_code"


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.datetime(2025, 10, 27, 0, 0), dt.date(2025, 10, 27)),
        (dt.date(2025, 10, 27), dt.date(2025, 10, 27)),
        (45957, dt.date(2025, 10, 27)),
        ("27/10/2025", dt.date(2025, 10, 27)),
        ("27-10-2025", dt.date(2025, 10, 27)),
        ("2025-10-27", dt.date(2025, 10, 27)),
        ("27 Oktober 2025", dt.date(2025, 10, 27)),
        ("1 Agustus 2025", dt.date(2025, 8, 1)),
        ("3 Nopember 2025", dt.date(2025, 11, 3)),
        ("", None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert reading.date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "kemarin", "27 Oktobre 2025", "2025/13/01"])
def test_bad_dates(value):
    with pytest.raises(reading.CellError) as exc:
        reading.date(value)
    assert exc.value.code == "bad_date"


def test_yes_no():
    assert reading.yes_no("Ya") is True
    assert reading.yes_no(" tidak ") is False
    assert reading.yes_no("") is None
    with pytest.raises(reading.CellError):
        reading.yes_no("mungkin")


def test_text_trims_and_undoes_excel_numbers():
    assert reading.text("  Koperasi   Jaya ") == "Koperasi Jaya"
    assert reading.text(1234567890123.0) == "1234567890123"


def _index():
    return reading.RegionIndex(
        [
            Region(code="15", name="Jambi", level="province"),
            Region(code="15.01", name="Kabupaten Kerinci", level="regency", parent_id="15"),
            Region(code="15.71", name="Kota Jambi", level="regency", parent_id="15"),
            Region(code="15.05", name="Kabupaten Muaro Jambi", level="regency", parent_id="15"),
            Region(code="32.16", name="Kabupaten Bekasi", level="regency", parent_id="32"),
            Region(code="32.75", name="Kota Bekasi", level="regency", parent_id="32"),
        ]
    )


@pytest.mark.parametrize(
    "name, code",
    [
        ("Kab. Kerinci", "15.01"),
        ("KERINCI", "15.01"),
        ("kabupaten  kerinci", "15.01"),
        ("Kota Jambi", "15.71"),
        ("Muaro-Jambi", "15.05"),
        ("Kab Muaro Jambi", "15.05"),
    ],
)
def test_region_names_ignore_case_spacing_and_prefixes(name, code):
    assert _index().match(name, ["15"]).code == code


def test_unknown_name_suggests_the_closest():
    with pytest.raises(reading.CellError) as exc:
        _index().match("Kab. Kerinchi", ["15"])
    assert exc.value.code == "unknown_region_name"
    assert "Kabupaten Kerinci" in exc.value.params["suggestions"]


def test_ambiguous_name_lists_the_candidates():
    assert _index().match("Kota Bekasi", ["32"]).code == "32.75"
    with pytest.raises(reading.CellError) as exc:
        _index().match("Bekasi", ["32"])
    assert exc.value.code == "ambiguous_region_name"
    assert "Kota Bekasi" in exc.value.params["suggestions"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (120, 120),
        (120.0, 120),
        ("1.234", 1234),
        ("1,234", 1234),
        (" 45 ", 45),
        ("", None),
        (None, None),
    ],
)
def test_integers(value, expected):
    assert reading.integer(value) == expected


@pytest.mark.parametrize("value", [12.5, "12,5", "1.23", "1.234,5", "sepuluh", "-3"])
def test_bad_integers(value):
    with pytest.raises(reading.CellError):
        reading.integer(value)


def test_an_exported_neutralised_cell_reads_back_as_typed():
    assert reading.text("'+62 812 3456 7890") == "+62 812 3456 7890"
    assert reading.text("'Koperasi") == "'Koperasi"


def test_small_numbers_are_not_excel_dates():
    with pytest.raises(reading.CellError):
        reading.date(2025)


def test_equal_texts_of_a_column_are_one_object_until_the_column_is_mostly_distinct(monkeypatch):
    monkeypatch.setattr(reading.SharedCells, "DISTINCT_LIMIT", 3)
    grid = reading.read_grid(
        csv_bytes([["Kabupaten", "Kode", "Angka"]] + [["Kerinci", f"15.01.{i}", "1"] for i in range(6)])
    )
    regencies = [row[0] for row in grid[1:]]
    assert all(cell is regencies[0] for cell in regencies)
    codes = [row[1] for row in grid[1:]]
    assert codes == [f"15.01.{i}" for i in range(6)]  # still the file's texts, past the limit too
    shared = reading.SharedCells()
    row = shared.row([True, 1, 1.0, "1"])
    assert [type(cell) for cell in shared.row([1, True, "1", 1.0])] == [int, bool, str, float]
    assert row == [True, 1, 1.0, "1"]


def test_a_row_too_wide_is_refused_before_its_cells_are_shared(monkeypatch, settings):
    """Sharing keeps a dict per column: a line of millions of commas must be refused first."""
    shared_rows = []
    monkeypatch.setattr(reading.SharedCells, "row", lambda self, cells: shared_rows.append(len(cells)) or cells)
    too_wide = b"Kode Desa,Nama\n" + b"1," * 100_000 + b"x\n"
    with pytest.raises(FileError) as refused:
        reading.read_grid(too_wide)
    assert refused.value.code == "too_many_columns"
    assert shared_rows == [2]  # the header only
