"""Files made to hurt the reader (issue 11): a far cell that would make the xlsx reader build a
grid of billions of cells, csv cells past Python's field limit, NUL bytes, hidden sheets. Each
gets its Indonesian file error, quickly and in little memory."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from imports import reading
from imports.messages import FileError
from tests.imports.files import csv_bytes, raw_xlsx, text_cell, xlsx

ROOT = Path(__file__).resolve().parents[2]
HEADER = f'<row r="1">{text_cell("A1", "Kode Desa")}</row>'

# Reads a file in a child process whose address space is capped: a reader that materialises
# a sparse sheet's whole grid dies there (allocation failure) instead of taking this machine
# down, and the test fails; tracemalloc could not see the reader's Rust allocations anyway.
READ_CAPPED = """
import resource, sys
cap = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from django.conf import settings
settings.configure()
from imports import reading
from imports.messages import FileError
try:
    grid = reading.read_grid(sys.stdin.buffer.read())
except FileError as exc:
    print(exc.code)
    print(exc)
else:
    print("read", len(grid), max(len(row) for row in grid))
"""


def read_capped(data, megabytes=1024):
    done = subprocess.run(
        [sys.executable, "-c", READ_CAPPED, str(megabytes)],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode().splitlines()


def far_cell_with_openpyxl(ref):
    workbook = Workbook()
    workbook.active["A1"] = "Kode Desa"
    workbook.active[ref] = "x"  # openpyxl declares <dimension ref="A1:ref"/>
    return io_bytes(workbook)


def io_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FAR_CELLS = {
    # the probe's file: one cell at XFD100000 (a 100,000 x 16,384 grid), dimension declared
    "declared XFD100000": far_cell_with_openpyxl("XFD100000"),
    # no dimension element at all (openpyxl's write-only mode writes none either)
    "undeclared XFD20000": raw_xlsx({"data": HEADER + f'<row r="20000">{text_cell("XFD20000", "x")}</row>'}),
    # a dimension that lies
    "lying A1:B2": raw_xlsx(
        {"dimension": "A1:B2", "data": HEADER + f'<row r="100000">{text_cell("XFD100000", "x")}</row>'}
    ),
    # cells without references, placed by their order: 16,383 empty cells, then a value
    "positional": raw_xlsx({"data": HEADER + '<row r="100000">' + "<c/>" * 16383 + text_cell(None, "x") + "</row>"}),
    # a row without a number after row 99,999 -> row 100,000
    "positional row": raw_xlsx(
        {"data": HEADER + '<row r="99999"></row><row>' + "<c/>" * 300 + text_cell(None, "x") + "</row>"}
    ),
    # a second r attribute (the reader takes the last one)
    "two references": raw_xlsx(
        {"data": HEADER + '<row r="2"><c r="A2" t="inlineStr" r="XFD100000"><is><t>x</t></is></c></row>'}
    ),
    # a namespace prefix on the cell element
    "prefixed cell": raw_xlsx(
        {"data": HEADER + '<row r="2"><x:c xmlns:x="urn:x" r="XFD20000" t="inlineStr"><is><t>x</t></is></x:c></row>'}
    ),
}


@pytest.mark.parametrize("name", FAR_CELLS)
def test_a_far_cell_is_refused_before_the_grid_is_built(name):
    data = FAR_CELLS[name]
    assert len(data) < 20_000
    code, text = read_capped(data)[:2]
    assert code in {"sheet_too_many_rows", "sheet_too_many_columns", "not_a_spreadsheet"}, text
    if code != "not_a_spreadsheet":
        assert "Lembar" in text and "batas" in text, text


def test_the_refusal_names_the_cell_and_the_limit():
    code, text = read_capped(FAR_CELLS["undeclared XFD20000"])[:2]
    assert code == "sheet_too_many_columns"
    assert "XFD20000" in text and "200 kolom" in text


def test_styled_empty_cells_far_away_are_not_data():
    # Excel writes a formatted but empty cell as <c r=".." s="1"/>: the reader skips it, and so
    # must the limits (the sheet is read as its two real rows).
    data = raw_xlsx(
        {
            "data": HEADER + f'<row r="2">{text_cell("A2", "15.71.01.1001")}</row>'
            '<row r="150000"><c r="XFD150000" s="1"/></row>'
        }
    )
    assert read_capped(data) == ["read 2 1"]


def test_limits_on_rows_columns_and_cells(settings):
    row = "".join(text_cell(f"{letter}2", "x") for letter in "ABCDEFGHIJ")
    data = raw_xlsx({"data": HEADER + f'<row r="2">{row}</row>'})
    assert len(reading.read_grid(data)[1]) == 10
    settings.KDKMP_IMPORT_MAX_COLUMNS = 9
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "sheet_too_many_columns"
    settings.KDKMP_IMPORT_MAX_COLUMNS = 200
    settings.KDKMP_IMPORT_MAX_CELLS = 19
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "sheet_too_many_cells"
    settings.KDKMP_IMPORT_MAX_CELLS = 20
    assert len(reading.read_grid(data)) == 2
    settings.KDKMP_IMPORT_MAX_ROWS = 1
    far = raw_xlsx({"data": HEADER + f'<row r="40">{text_cell("A40", "x")}</row>'})
    with pytest.raises(FileError) as exc:
        reading.read_grid(far)
    assert exc.value.code == "sheet_too_many_rows"


def test_a_declared_dimension_past_the_limits_is_refused_before_reading_cells():
    data = raw_xlsx({"dimension": "A1:XFD1048576", "data": HEADER})
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "sheet_too_many_rows"
    assert "XFD1048576" in str(exc.value)


def test_the_first_visible_sheet_is_read_not_a_hidden_one():
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "Rahasia"
    hidden.append(["Kode Desa", "Jumlah Anggota"])
    hidden.append(["15.71.01.1001", 999])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("Data")
    shown.append(["Kode Desa", "Jumlah Anggota"])
    shown.append(["15.71.01.1002", 12])
    workbook.active = 1
    assert reading.read_grid(io_bytes(workbook)) == [["Kode Desa", "Jumlah Anggota"], ["15.71.01.1002", 12]]


def test_a_workbook_with_only_hidden_sheets_is_refused():
    data = raw_xlsx({"data": HEADER, "state": "hidden"}, {"data": HEADER, "state": "veryHidden"})
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "no_visible_sheet"


def test_a_csv_cell_past_the_field_limit():
    data = csv_bytes([["Kode Desa", "Alamat"], ["15.71.01.1001", "x" * 200_000]])
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "cell_too_long"
    assert "baris 2" in str(exc.value)


def test_a_nul_byte_after_the_first_4_kb_is_refused_with_its_row():
    rows = [["Kode Desa", "Alamat"]] + [["15.71.01.1001", "Jl. Pasar No. 1"]] * 300
    data = csv_bytes(rows) + b"15.71.01.1002,Jl.\x00Pasar\n"
    assert data.index(b"\x00") > 4096
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "nul_byte"
    assert "baris 302" in str(exc.value)


def test_a_nul_escaped_in_an_xlsx_cell_is_refused():
    data = raw_xlsx({"data": HEADER + f'<row r="2">{text_cell("A2", "15.71_x0000_.01")}</row>'})
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "nul_byte"
    assert "baris 2" in str(exc.value)


def test_csv_columns_and_rows_are_bounded_while_reading(settings):
    padded = csv_bytes([["Kode Desa", "Nama"] + [""] * 500, ["15.71.01.1001", "x"] + [""] * 500])
    assert reading.read_grid(padded)[1][:2] == ["15.71.01.1001", "x"]  # Excel pads csv rows: not data
    wide = csv_bytes([["Kode Desa"] + [f"k{i}" for i in range(250)]])
    with pytest.raises(FileError) as exc:
        reading.read_grid(wide)
    assert exc.value.code == "too_many_columns"
    settings.KDKMP_IMPORT_MAX_ROWS = 5
    assert len(reading.read_grid(b"a,b\n" * 10 + b"\n" * 10_000)) == 10  # trailing blank lines
    with pytest.raises(FileError) as exc:
        reading.read_grid(b"a,b\n" * 10 + b"\n" * 10_000 + b"c,d\n")
    assert exc.value.code == "too_many_rows"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 200,  # a zip signature and nothing behind it
        xlsx([["Kode Desa"]])[:-200],  # truncated
    ],
)
def test_damaged_files_get_a_message_not_an_exception(data):
    with pytest.raises(FileError) as exc:
        reading.read_grid(data)
    assert exc.value.code == "not_a_spreadsheet"
