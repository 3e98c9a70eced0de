"""Reading spreadsheets made by many hands: file sniffing, xlsx/csv to a grid of cells, header-row
detection and alias matching, and the cell parsers (region codes and names, dates, Ya/Tidak).

Everything here is pure Python on bytes and cells; the database is only touched by `RegionIndex`,
which loads the regions it needs in one query.
"""
import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

from .messages import FileError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted (password) xlsx
HEADER_SCAN_ROWS = 30


def limits():
    """Import limits, configurable in settings (and so from the environment)."""
    return {
        "max_bytes": getattr(settings, "KDKMP_IMPORT_MAX_BYTES", 10 * 1024 * 1024),
        "max_rows": getattr(settings, "KDKMP_IMPORT_MAX_ROWS", 100_000),
        "max_unzipped_bytes": getattr(settings, "KDKMP_IMPORT_MAX_UNZIPPED_BYTES", 300 * 1024 * 1024),
    }


# --- files to grids -------------------------------------------------------------------------

def sniff(data):
    """"xlsx" or "csv" from the bytes themselves (file names and browsers lie)."""
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
    """Bytes of an xlsx or csv file -> list of rows (lists of cells), first sheet only."""
    lim = limits()
    if len(data) > lim["max_bytes"]:
        raise FileError("too_large", mb=lim["max_bytes"] // (1024 * 1024))
    kind = sniff(data)
    grid = _read_xlsx(data, lim) if kind == "xlsx" else _read_csv(data)
    # Trailing empty rows are common (formatted but blank); they do not count against the limit.
    while grid and not any(_filled(c) for c in grid[-1]):
        grid.pop()
    max_rows = max_rows or lim["max_rows"]
    if len(grid) > max_rows + HEADER_SCAN_ROWS:
        raise FileError("too_many_rows", limit=max_rows)
    if not grid:
        raise FileError("empty_file")
    return grid


def _read_xlsx(data, lim):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        declared = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileError("not_a_spreadsheet") from None
    if "xl/workbook.xml" not in names:
        raise FileError("not_a_spreadsheet")
    # Zip bombs: refuse on the declared sizes, before anything is decompressed.
    if declared > lim["max_unzipped_bytes"]:
        raise FileError("too_large_unzipped", mb=lim["max_unzipped_bytes"] // (1024 * 1024))
    from python_calamine import CalamineWorkbook  # Rust reader: ~10x openpyxl on big sheets

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises several error types for damaged files
        raise FileError("not_a_spreadsheet") from None


def _read_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel "CSV" on Windows
    sample = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _filled(cell):
    return cell is not None and str(cell).strip() != ""


# --- headers --------------------------------------------------------------------------------

def normalize_header(text):
    """Case, spaces and punctuation ignored: "No. HP / WA" -> "nohpwa"."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


@dataclass
class HeaderMatch:
    row_index: int          # 0-based index in the grid
    columns: dict           # column index -> column key
    unknown: list           # header texts that match no column


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
    formula-like cells (see resources.neutralise) is taken off again."""
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
        out.append(compact[start:start + size])
        start += size
    return ".".join(out)


MONTHS = {
    name: number
    for number, names in enumerate(
        [("januari", "january", "jan"), ("februari", "february", "feb", "pebruari"), ("maret", "march", "mar"),
         ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
         ("agustus", "august", "agu", "agt", "aug"), ("september", "sep", "sept"),
         ("oktober", "october", "okt", "oct"), ("november", "nopember", "nov", "nop"),
         ("desember", "december", "des", "dec")],
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
    """"KAB.  Muaro-Jambi" -> "kabupaten muaro jambi" (or "muaro jambi" with strip_prefix)."""
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
        labels = [r.name for r in found] if found else [
            self._display(parents, n) for n in difflib.get_close_matches(wanted_full, every, n=3, cutoff=0.6)
        ]
        code = "ambiguous_region_name" if found else "unknown_region_name"
        raise CellError(code, value=text(name), suggestions=", ".join(labels) or "-")

    def _display(self, parents, normalized):
        for parent in parents:
            for region in self._names_under(parent)[0].get(normalized, []):
                return region.name
        return normalized
