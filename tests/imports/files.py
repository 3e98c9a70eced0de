"""Spreadsheet bytes for tests, built like users' files (title rows, odd headers)."""
import csv
import io

from openpyxl import Workbook


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def error_codes(report):
    return sorted({(e.row, e.code) for e in report.errors})
