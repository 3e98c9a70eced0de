"""Spreadsheet downloads shared by pages (dashboards, lists)."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

# A cell starting with one of these would be run as a formula by Excel ("CSV/formula injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
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
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
