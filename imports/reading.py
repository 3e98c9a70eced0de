"""Reading spreadsheets made by many hands: file sniffing, xlsx/csv to a grid of cells, header-row
detection and alias matching, and the cell parsers (region codes and names, dates, Ya/Tidak).

Everything here is pure Python on bytes and cells; the database is only touched by `RegionIndex`,
which loads the regions it needs in one query.
"""

import csv
import datetime as dt
import difflib
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings

from .messages import FileError

logger = logging.getLogger(__name__)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted (password) xlsx
HEADER_SCAN_ROWS = 30


def limits():
    """Import limits, configurable in settings (and so from the environment)."""
    return {
        # The largest file of any kind, and of an xlsx (whose bytes are compressed: ~9x as much
        # XML). See kdkmp/settings.py for how they relate to the app's own national export.
        "max_bytes": getattr(settings, "KDKMP_IMPORT_MAX_BYTES", 48 * 1024 * 1024),
        "max_xlsx_bytes": getattr(settings, "KDKMP_IMPORT_MAX_XLSX_BYTES", 24 * 1024 * 1024),
        "max_rows": getattr(settings, "KDKMP_IMPORT_MAX_ROWS", 100_000),
        "max_unzipped_bytes": getattr(settings, "KDKMP_IMPORT_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024),
        # A roster has a few dozen columns; the cell bound keeps a sparse sheet's grid (which
        # the xlsx reader builds densely, from A1) near the size of a national file's.
        "max_columns": getattr(settings, "KDKMP_IMPORT_MAX_COLUMNS", 200),
        "max_cells": getattr(settings, "KDKMP_IMPORT_MAX_CELLS", 5_000_000),
    }


# --- files to grids -------------------------------------------------------------------------


def sniff(data):
    """ "xlsx" or "csv" from the bytes themselves (file names and browsers lie)."""
    if not data or not data.strip():
        raise FileError("empty_file")
    if data.startswith(OLE2_MAGIC):
        raise FileError("encrypted_or_xls")
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    head = data[:4096]
    if b"\x00" in head:
        raise FileError("not_a_spreadsheet")
    return "csv"


def read_grid(data, max_rows=None):
    """Bytes of an xlsx or csv file -> list of rows (lists of cells); of an xlsx, its first
    visible sheet. Every problem of the file is a FileError with its Indonesian message."""
    lim = limits()
    if max_rows:
        lim["max_rows"] = max_rows
    if len(data) > lim["max_bytes"]:
        raise FileError("too_large", mb=lim["max_bytes"] // (1024 * 1024))
    kind = sniff(data)
    if kind == "xlsx" and len(data) > lim["max_xlsx_bytes"]:
        raise FileError("too_large", mb=lim["max_xlsx_bytes"] // (1024 * 1024))
    try:
        grid = _read_xlsx(data, lim) if kind == "xlsx" else _read_csv(data, lim)
    except FileError:
        raise
    except Exception:  # a damaged file (zip, XML, reader errors of many types) is a file error, never a 500
        logger.warning("unreadable %s upload", kind, exc_info=True)
        raise FileError("not_a_spreadsheet") from None
    # Trailing empty rows are common (formatted but blank); they do not count against the limit.
    while grid and not any(_filled(c) for c in grid[-1]):
        grid.pop()
    if len(grid) > lim["max_rows"] + HEADER_SCAN_ROWS:
        raise FileError("too_many_rows", limit=lim["max_rows"])
    if not grid:
        raise FileError("empty_file")
    return grid


def _read_xlsx(data, lim):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FileError("not_a_spreadsheet") from None
    parts = {}
    for info in infos:
        # Two parts of one name (the reader matches names ignoring case): which one is read
        # would depend on the zip library, and the checks below must see the one read.
        if info.filename.lower() in parts:
            raise FileError("not_a_spreadsheet")
        parts[info.filename.lower()] = info
    if "xl/workbook.xml" not in parts:
        raise FileError("not_a_spreadsheet")
    # Zip bombs: refuse on the declared sizes, before anything is decompressed.
    if sum(info.file_size for info in infos) > lim["max_unzipped_bytes"]:
        raise FileError("too_large_unzipped", mb=lim["max_unzipped_bytes"] // (1024 * 1024))
    from python_calamine import (  # Rust: ~10x openpyxl on big sheets
        CalamineWorkbook,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several error types for damaged files
        raise FileError("not_a_spreadsheet") from None
    # A hidden sheet (lookup lists, an old copy) is not what the user sees and means to import.
    visible = [
        i
        for i, sheet in enumerate(workbook.sheets_metadata)
        if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
    ]
    if not visible:
        raise FileError("no_visible_sheet")
    index = visible[0]
    paths = _sheet_paths(archive, parts)
    if [name for name, _path in paths] != workbook.sheet_names or paths[index][1].lower() not in parts:
        raise FileError("not_a_spreadsheet")  # we would check another part than the one read
    name = paths[index][0]
    nul = _check_sheet(archive, parts[paths[index][1].lower()], name, lim)
    nul = _has_escaped_nul(archive, parts.get("xl/sharedstrings.xml")) or nul
    grid = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
    shared = SharedCells()
    for row in grid:
        shared.row(row)  # in place: the repeated texts are freed for what comes next
    if nul:
        _refuse_nul_cells(grid)
    return grid


# The xlsx reader builds a sheet's grid densely, from A1 to its farthest cell holding a value,
# before anything can be looked at: one cell at XFD100000 is a grid of 1.6 billion cells. So the
# sheet's XML is checked first, streaming: the declared <dimension> (which may lie or be
# missing), then the cells themselves. Files written by Excel, LibreOffice or openpyxl give
# every cell its reference as the first attribute (<c r="B7" ...>): those are bounded with a
# few regular-expression passes; any other cell (no reference, a namespace prefix, a second r)
# sends the sheet through an exact reading that places cells as the reader does.
SCAN_CHUNK = 1 << 20
SMALL_PART_BYTES = 20 * 1024 * 1024  # workbook.xml and its relationships; real ones are kilobytes
SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
# Any of these sends a sheet through the exact reading: a cell tag other than <c r="REF"...>,
# an element with a namespace prefix ending in c, an r attribute after another attribute.
ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[0-9]{1,7}"[\s/>])[\s/>]')
PREFIXED_CELL = re.compile(rb":c[\s/>]")
# (two patterns: a leading literal lets the regex engine skip ahead, a character class would not)
LATER_R = (re.compile(rb'"\s+r\s*='), re.compile(rb"'\s+r\s*="))
CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})')
CELL_ROW_OF_WIDTH = {width: re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d})"' % width) for width in range(1, 8)}
ESCAPED_NUL = b"_x0000_"  # how OOXML writes a NUL character; the reader turns it into one
REFERENCE = re.compile(r"([A-Za-z]{0,4})([0-9]{1,8})")


def _position(ref):
    """ "XFD100000" -> (99999, 16383), 0-based as the reader counts; the column is -1 when absent."""
    match = REFERENCE.fullmatch(ref)
    if not match or int(match.group(2)) == 0:
        raise FileError("not_a_spreadsheet")  # the reader refuses such references too
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _reference(row, column):
    """(99999, 16383) -> "XFD100000"."""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


class _SheetBounds:
    """Refuses a sheet once a cell holding a value lies past the limits (rows, columns, or the
    cells of the grid from A1 to the farthest row and column)."""

    def __init__(self, sheet, lim):
        self.sheet, self.lim = sheet, lim
        self.row_limit = lim["max_rows"] + HEADER_SCAN_ROWS  # title rows above the header are allowed
        self.rows = self.columns = 0

    def check(self, row, column):
        """`row`, `column`: 1-based."""
        cell = _reference(row - 1, column - 1)
        if row > self.row_limit:
            raise FileError("sheet_too_many_rows", sheet=self.sheet, cell=cell, row=row, limit=self.lim["max_rows"])
        if column > self.lim["max_columns"]:
            raise FileError(
                "sheet_too_many_columns", sheet=self.sheet, cell=cell, column=column, limit=self.lim["max_columns"]
            )
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        if self.rows * self.columns > self.lim["max_cells"]:
            raise FileError(
                "sheet_too_many_cells",
                sheet=self.sheet,
                cell=_reference(self.rows - 1, self.columns - 1),
                cells=self.rows * self.columns,
                limit=self.lim["max_cells"],
            )

    def fits(self, rows, columns):
        return rows <= self.row_limit and columns <= self.lim["max_columns"] and rows * columns <= self.lim["max_cells"]


def _parse_small_part(archive, info, start):
    """A small XML part through expat, `start(name, [key, value, ...])` per element."""
    if info is None or info.file_size > SMALL_PART_BYTES:
        raise FileError("not_a_spreadsheet")
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.Parse(archive.read(info), True)


def _refuse_doctype(*_args):
    raise FileError("not_a_spreadsheet")  # no spreadsheet declares a DTD; entities are a way to hide things


def _sheet_paths(archive, parts):
    """[(sheet name, part path)] in workbook order, resolved as python-calamine resolves them
    (literal attribute names, the last one winning, "xl/" prefixed to relative targets)."""
    targets = {}

    def relationship(name, attributes):
        if name.rpartition(":")[2] == "Relationship":
            pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
            targets[pairs.get("Id", "")] = pairs.get("Target", "")

    sheets = []

    def sheet(name, attributes):
        if name.rpartition(":")[2] != "sheet":
            return
        sheet_name, target = "", None
        for key, value in zip(attributes[::2], attributes[1::2], strict=True):
            if key == "name":
                sheet_name = value
            elif key in ("r:id", "relationships:id"):
                target = targets.get(value)
        if target is None:
            raise FileError("not_a_spreadsheet")
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = f"xl/{target}"
        sheets.append((sheet_name, target))

    _parse_small_part(archive, parts.get("xl/_rels/workbook.xml.rels"), relationship)
    _parse_small_part(archive, parts["xl/workbook.xml"], sheet)
    return sheets


def _segments(stream):
    """Decompressed XML in chunks, each cut before a "<" so that no tag straddles two of them:
    (segment, True). A chunk holding no tag start after its first byte (a tag or a text longer
    than a chunk, which no spreadsheet program writes) is given as (segment, False), with the
    end of the previous one repeated so that an escaped NUL is not cut in two."""
    tail = b""
    while chunk := stream.read(SCAN_CHUNK):
        segment = tail + chunk
        cut = segment.rfind(b"<")
        if cut > 0:
            segment, tail = segment[:cut], segment[cut:]
            yield segment, True
        else:
            tail = segment[-len(ESCAPED_NUL) :]
            yield segment, False
    if tail:
        yield tail, True


def _check_sheet(archive, info, sheet, lim):
    """Refuse the sheet (FileError) if its declared or actual range is past the limits, before
    the reader builds it. Returns whether a cell may hold a NUL character."""
    bounds = _SheetBounds(sheet, lim)
    # Rows with as many digits as the limit are found and compared; shorter ones are below it.
    digits = len(str(bounds.row_limit))
    long_rows = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d,7})"' % min(digits, 7))
    in_head, odd, nul = True, False, False
    rows = columns = 0  # upper bounds from the references (empty cells included)
    with archive.open(info) as stream:
        for segment, whole in _segments(stream):
            if in_head:
                found = SHEET_DATA.search(segment)
                for declared in DIMENSION.finditer(segment, 0, found.start() if found else len(segment)):
                    last = declared.group(1).decode("ascii", "replace").split(":")[-1]
                    row, column = _position(last)
                    bounds.check(row + 1, max(column, 0) + 1)
                in_head = found is None
            nul = nul or ESCAPED_NUL in segment
            if odd:
                continue
            if (
                not whole
                or ODD_CELL.search(segment)
                or PREFIXED_CELL.search(segment)
                or any(p.search(segment) for p in LATER_R)
            ):
                odd = True
                continue
            for letters in set(CELL_COLUMN.findall(segment)):
                columns = max(columns, _position(letters.decode() + "1")[1] + 1)
            rows = max([rows, *map(int, long_rows.findall(segment))])
    if not odd and not rows:
        rows = 10 ** (digits - 1) - 1  # no reference as wide as the limit: all rows are below this
        if not bounds.fits(rows, columns) and columns <= lim["max_columns"]:
            rows = _highest_row(archive, info)  # only the cell bound is in doubt: find the highest row
    if odd or not bounds.fits(rows, columns):
        # Empty cells (formatted, never typed in) count in the bounds above but not for the
        # reader: only now are cells placed exactly, those holding a value checked.
        _check_cells_exactly(archive, info, bounds)
    return nul


def _highest_row(archive, info):
    """The highest row number of the (all referenced) cells: among references of equal width
    the textual maximum is the numeric one, so only the widest are converted."""
    highest = 0
    with archive.open(info) as stream:
        for segment, _whole in _segments(stream):  # all whole: odd sheets are read exactly instead
            for width in range(7, len(str(highest)) - 1, -1):
                found = CELL_ROW_OF_WIDTH[width].findall(segment)
                if found:
                    highest = max(highest, int(max(found)))
                    break
    return highest


class _EndOfSheetData(Exception):
    pass


def _check_cells_exactly(archive, info, bounds):
    """Stream the sheet through expat, placing cells as python-calamine does: a row's r sets
    the row, a cell's r its position, and a cell without one follows the previous cell; only
    cells with a value (<v> or <is>) make the grid larger."""
    in_data = False
    depth = cell_depth = 0  # cell_depth: the depth of the open <c>, 0 outside cells
    has_value = False
    row = column = 0  # where a cell without a reference goes, 0-based
    at = (0, 0)

    def start(name, attributes):
        nonlocal in_data, depth, cell_depth, has_value, row, column, at
        depth += 1
        local = name.rpartition(":")[2]
        if cell_depth:
            has_value = has_value or local in ("v", "is")
            return
        if not in_data:
            in_data = local == "sheetData"
            return
        if local != "c" and local != "row":
            return
        ref = None
        for key, value in zip(attributes[::2], attributes[1::2], strict=True):
            if key == "r":
                ref = value  # the last one, as the reader takes it
        if local == "row":
            if ref is not None:
                row = _position(ref)[0]
            return
        if ref is None:
            at = (row, column)
        else:
            at = _position(ref)
            if at[1] < 0:
                raise FileError("not_a_spreadsheet")  # a cell reference without its column
            column = at[1]
        cell_depth, has_value = depth, False

    def end(name):
        nonlocal in_data, depth, cell_depth, row, column
        if cell_depth:
            if depth == cell_depth:
                if has_value:
                    bounds.check(at[0] + 1, at[1] + 1)
                cell_depth = 0
                column += 1
        elif in_data:
            local = name.rpartition(":")[2]
            if local == "row":
                row += 1
                column = 0
            elif local == "sheetData":
                raise _EndOfSheetData  # the reader stops here too
        depth -= 1

    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        with archive.open(info) as stream:
            parser.ParseFile(stream)
    except _EndOfSheetData:
        pass


def _has_escaped_nul(archive, info):
    if info is None:
        return False
    with archive.open(info) as stream:
        return any(ESCAPED_NUL in segment for segment, _whole in _segments(stream))


def _refuse_nul_cells(grid):
    """A NUL character cannot be stored (PostgreSQL) nor written back to an xlsx file."""
    for number, row in enumerate(grid, start=1):
        if any(isinstance(cell, str) and "\x00" in cell for cell in row):
            raise FileError("nul_byte", row=number)


def _read_csv(data, lim):
    nul = data.find(b"\x00")
    if nul >= 0:  # past the sniffed head; a NUL can be neither stored nor shown
        raise FileError("nul_byte", row=data.count(b"\n", 0, nul) + 1)
    bom = data.startswith(b"\xef\xbb\xbf")
    start = 3 if bom else 0
    # The separators are ASCII, the same in every encoding tried below.
    sample = "\n".join(data[start : start + 200_000].decode("latin-1").splitlines()[:HEADER_SCAN_ROWS])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    # UTF-8, else Excel's "CSV" on Windows (cp1252). Decoded as a stream while read, not into a
    # second copy of the whole file: memory is the upload's bytes plus the grid.
    encodings = [("utf-8", "replace")] if bom else [("utf-8", "strict"), ("cp1252", "replace")]
    for encoding, errors in encodings:
        stream = io.BytesIO(data)  # shares the bytes, no copy
        stream.seek(start)
        try:
            return _csv_grid(io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=""), delimiter, lim)
        except UnicodeDecodeError:
            continue  # not UTF-8: read again as cp1252 (which replaces what it cannot decode)
    raise AssertionError("unreachable: the last encoding replaces what it cannot decode")


def _csv_grid(text, delimiter, lim):
    # Bounded while reading, like the xlsx sheet before it is read.
    row_limit = lim["max_rows"] + HEADER_SCAN_ROWS
    grid, cells = [], 0
    reader = csv.reader(text, delimiter=delimiter)
    shared = SharedCells()
    try:
        for row in reader:
            if len(row) > lim["max_columns"]:
                while row and not _filled(row[-1]):  # Excel pads every row to the widest one
                    row.pop()
                if len(row) > lim["max_columns"]:
                    raise FileError("too_many_columns", row=reader.line_num, count=len(row), limit=lim["max_columns"])
            if len(grid) >= row_limit:
                if any(_filled(c) for c in row):
                    raise FileError("too_many_rows", limit=lim["max_rows"])
                continue  # trailing blank lines: not kept, not counted
            cells += len(row)
            if cells > lim["max_cells"]:
                raise FileError("too_many_cells", limit=lim["max_cells"])
            grid.append(shared.row(row))  # after the bounds: a row is never wider than max_columns here
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileError("cell_too_long", row=reader.line_num, limit=csv.field_size_limit()) from None
        raise FileError("not_a_spreadsheet") from None
    return grid


class SharedCells:
    """Equal cells of a column made one object: a national roster repeats its regency, district,
    status and date texts tens of thousands of times, each otherwise its own string (the grid of
    the national csv was ~95 MB). A column stops being shared once it holds more than
    DISTINCT_LIMIT different texts (names, codes): remembering those would cost, not save."""

    DISTINCT_LIMIT = 10_000

    def __init__(self):
        self.memos = []

    def row(self, cells):
        memos = self.memos
        if len(memos) < len(cells):
            memos.extend({} for _ in range(len(cells) - len(memos)))
        for i, cell in enumerate(cells):
            memo = memos[i]
            if memo is not None and type(cell) is str and cell:  # text only: 1 == 1.0 == True
                shared = memo.setdefault(cell, cell)
                if shared is cell and len(memo) > self.DISTINCT_LIMIT:
                    memos[i] = None  # mostly distinct: stop remembering this column
                cells[i] = shared
        return cells


def _filled(cell):
    return cell is not None and str(cell).strip() != ""


# --- headers --------------------------------------------------------------------------------


def normalize_header(text):
    """Case, spaces and punctuation ignored: "No. HP / WA" -> "nohpwa"."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


@dataclass
class HeaderMatch:
    row_index: int  # 0-based index in the grid
    columns: dict  # column index -> column key
    unknown: list  # header texts that match no column


def find_header(grid, aliases):
    """The header row is the one among the first rows matching the most known column names
    (title rows above it match none). `aliases`: normalized text -> column key."""
    best = None
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns = {}
        for col, cell in enumerate(row):
            key = aliases.get(normalize_header(cell))
            if key and key not in columns.values():
                columns[col] = key
        if columns and (best is None or len(columns) > len(best.columns)):
            unknown = [str(c).strip() for i, c in enumerate(row) if _filled(c) and i not in columns]
            best = HeaderMatch(index, columns, unknown)
    return best


# --- cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; `code` names the message in messages.py."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def text(value):
    """Trimmed text; numbers Excel made of codes lose their ".0"; the ' our exports put before
    formula-like cells (see core.exports.neutralise) is taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    value = re.sub(r"\s+", " ", str(value)).strip()
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]
    return value


def digits(value):
    """Identifiers typed with spaces, dots or dashes, or turned into numbers by Excel."""
    return re.sub(r"[\s.\-]", "", text(value))


REGION_CODE_LENGTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
DOTTED_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def region_code(value):
    """A Kemendagri code dotted ("15.71.01.1001"), undotted ("1571011001") or as the number
    Excel made of it (1571011001.0) -> the dotted form; "" when empty."""
    raw = text(value)
    if not raw:
        return ""
    if raw.endswith(".0") and raw[:-2].isdigit():
        raw = raw[:-2]
    if DOTTED_CODE.match(raw):
        return raw
    if "." in raw:  # dotted, but not in the Kemendagri shape
        raise CellError("bad_region_code", value=raw)
    compact = re.sub(r"[\s.\-]", "", raw)
    parts = REGION_CODE_LENGTHS.get(len(compact)) if compact.isdigit() else None
    if not parts:
        raise CellError("bad_region_code", value=raw)
    out, start = [], 0
    for size in parts:
        out.append(compact[start : start + size])
        start += size
    return ".".join(out)


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
EXCEL_EPOCH = dt.date(1899, 12, 30)
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
WORDS_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")


def date(value):
    """Excel dates, dd/mm/yyyy (also - and .), yyyy-mm-dd or "27 Oktober 2025" -> date; None if
    empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        if 20_000 <= value < 80_000:  # an Excel serial day number (1954-2119) that reached us as a number
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError("bad_date", value=text(value))
    raw = text(value).lower()
    if not raw:
        return None
    try:
        if match := NUMERIC_DATE.match(raw):
            day, month, year = map(int, match.groups())
            return dt.date(year, month, day)
        if match := ISO_DATE.match(raw):
            year, month, day = map(int, match.groups())
            return dt.date(year, month, day)
        if (match := WORDS_DATE.match(raw)) and match.group(2) in MONTHS:
            return dt.date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    except ValueError:
        pass
    raise CellError("bad_date", value=text(value))


YES = {"ya", "y", "yes", "1", "true", "benar", "sudah", "ada"}
NO = {"tidak", "t", "no", "n", "0", "false", "belum", "tdk", "tidak ada"}


def yes_no(value):
    """Ya/Tidak (and the usual variants) -> True/False; None if empty."""
    raw = text(value).lower()
    if not raw:
        return None
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise CellError("bad_yes_no", value=text(value))


THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def integer(value):
    """Whole numbers, as Excel numbers or typed with thousands separators ("1.234")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("bad_number", value=text(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("bad_number", value=text(value))
    raw = text(value).replace(" ", "")
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    if THOUSANDS.match(raw) and len({c for c in raw if not c.isdigit()}) == 1:
        return int(re.sub(r"[.,]", "", raw))
    raise CellError("bad_number", value=text(value))


def choice(value, options):
    """A label matched ignoring case/spaces/punctuation against `options` (normalized -> value)."""
    raw = normalize_header(value)
    if not raw:
        return None
    if raw in options:
        return options[raw]
    raise CellError("bad_choice", value=text(value), options=", ".join(sorted({str(v) for v in options.values()})))


# --- region names ---------------------------------------------------------------------------

NAME_PREFIXES = re.compile(r"^(kabupaten|kab|kota|kecamatan|kec|desa|kelurahan|kel)\b\.?\s*")


def normalize_name(name, strip_prefix=False):
    """ "KAB.  Muaro-Jambi" -> "kabupaten muaro jambi" (or "muaro jambi" with strip_prefix)."""
    raw = re.sub(r"[^a-z0-9 ]", " ", str(name or "").lower().replace("kab.", "kabupaten "))
    raw = re.sub(r"\s+", " ", raw).strip()
    raw = re.sub(r"^kab\b", "kabupaten", raw)
    if strip_prefix:
        raw = NAME_PREFIXES.sub("", raw)
    return raw


class RegionIndex:
    """Region names under one parent, matched ignoring case, spacing and prefixes like
    "Kab."/"Kabupaten"/"Kota"; unknown or ambiguous names suggest the closest matches."""

    def __init__(self, regions):
        self.by_code = {}
        self._children = {}
        for region in regions:
            self.by_code[region.code] = region
            self._children.setdefault(region.parent_id, []).append(region)
        self._names = {}

    def children(self, code):
        return self._children.get(code, [])

    def _names_under(self, parent):
        if parent not in self._names:
            full, short = {}, {}
            for region in self._children.get(parent, []):
                full.setdefault(normalize_name(region.name), []).append(region)
                short.setdefault(normalize_name(region.name, strip_prefix=True), []).append(region)
            self._names[parent] = (full, short)
        return self._names[parent]

    def match(self, name, parents):
        """The one region named `name` under any of `parents` (codes)."""
        wanted_full, wanted_short = normalize_name(name), normalize_name(name, strip_prefix=True)
        found, every = [], []
        for parent in parents:
            full, short = self._names_under(parent)
            found.extend(full.get(wanted_full, []))
            every.extend(full)
        if not found:
            for parent in parents:
                found.extend(self._names_under(parent)[1].get(wanted_short, []))
        if len(found) == 1:
            return found[0]
        labels = (
            [r.name for r in found]
            if found
            else [self._display(parents, n) for n in difflib.get_close_matches(wanted_full, every, n=3, cutoff=0.6)]
        )
        code = "ambiguous_region_name" if found else "unknown_region_name"
        raise CellError(code, value=text(name), suggestions=", ".join(labels) or "-")

    def _display(self, parents, normalized):
        for parent in parents:
            for region in self._names_under(parent)[0].get(normalized, []):
                return region.name
        return normalized
