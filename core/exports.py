"""Spreadsheet downloads shared by every page (lists, dashboards, import templates), and the one
guard against formula injection every exported cell passes through."""

import csv
from decimal import Decimal
from io import BytesIO, StringIO

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

# A cell starting with one of these would be run as a formula by Excel ("CSV/formula injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    """A text cell starting with = + - @ or a tab is prefixed with ' so that Excel shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_response(sheets, filename):
    """sheets: [(title, header, rows)] → an .xlsx download; text cells are neutralised."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dataset_response(dataset, fmt, basename):
    """A tablib Dataset as a download (csv: see csv_text)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = csv_text(dataset) if fmt == "csv" else dataset.export(fmt)
    return file_response(content, fmt, basename)


def csv_text(dataset) -> str:
    """csv as Excel set to Indonesian opens it: ";" between cells (its list separator, since the
    comma is the decimal sign), decimal commas, and a BOM so that it reads UTF-8. The importer
    sniffs the separator, so the file goes back in as it came out."""
    buffer = StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(dataset.headers or [])
    for row in dataset:
        writer.writerow(_csv_cell(value) for value in row)
    return buffer.getvalue()


def _csv_cell(value):
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return "" if value is None else value


def file_response(content, fmt, basename):
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


def export_response(resource, queryset, fmt, basename):
    """A resource's rows (its cells neutralised by the resource) as a dated download."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    return dataset_response(resource.export(queryset=queryset), fmt, f"{basename}-{stamp}")
