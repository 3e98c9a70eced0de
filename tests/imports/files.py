"""Spreadsheet bytes for tests, built like users' files (title rows, odd headers)."""

import csv
import io
import zipfile

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


SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(*sheets):
    """An xlsx assembled by hand, for what no spreadsheet program writes but a file may contain
    (a far cell, a lying or missing dimension, cells without references, only hidden sheets).
    Each sheet: {"data": "<row ...>...</row>", "name": ..., "dimension": "A1:B2", "state": "hidden"}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                f"{overrides}</Types>"
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        entries, links = [], []
        for i, sheet in enumerate(sheets, start=1):
            state = f' state="{sheet["state"]}"' if sheet.get("state") else ""
            entries.append(f'<sheet name="{sheet.get("name", f"Sheet{i}")}" sheetId="{i}"{state} r:id="rId{i}"/>')
            links.append(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
            dimension = f'<dimension ref="{sheet["dimension"]}"/>' if sheet.get("dimension") else ""
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                (
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SPREADSHEETML}">{dimension}'
                    f"<sheetData>{sheet['data']}</sheetData></worksheet>"
                ),
            )
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SPREADSHEETML}" xmlns:r="{RELS}">'
                f"<sheets>{''.join(entries)}</sheets></workbook>"
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{''.join(links)}</Relationships>"
            ),
        )
    return buffer.getvalue()


def text_cell(ref, value):
    """An inline-string cell; `ref` may be None for a cell positioned by its order."""
    position = f' r="{ref}"' if ref else ""
    return f'<c{position} t="inlineStr"><is><t>{value}</t></is></c>'
