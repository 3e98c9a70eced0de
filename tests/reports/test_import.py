"""The `kendala` import kind: the register's rules over a whole file, all or nothing."""

import io

import pytest
from openpyxl import Workbook

from accounts.models import User
from assistants.models import Assignment
from imports.services import import_file
from reports.models import FieldProblem

pytestmark = pytest.mark.django_db

HEADER = ["Kode Desa", "NIK BA", "Kategori", "Tingkat", "Uraian", "Tindak lanjut paling lambat"]


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def run(rows, username="staf.kotajambi", dry_run=False):
    user = User.objects.get(username=username)
    return import_file(kind="kendala", data=xlsx(rows), file_name="kendala.xlsx", user=user, dry_run=dry_run)


def test_a_file_of_problems_is_written_through_the_register(ba):
    mine = Assignment.objects.active().filter(assistant=ba).select_related("cooperative").first().cooperative
    rows = [[mine.village_id, ba.nik, "Lahan", "Tinggi", "Lahan gerai belum bersertifikat", "31/01/2026"]]
    report = run(rows)
    assert report.ok, [e.message for e in report.errors]
    problem = FieldProblem.objects.get(cooperative=mine, description="Lahan gerai belum bersertifikat")
    assert problem.category == "LAHAN" and problem.severity == "high" and problem.assistant == ba
    again = run(rows, dry_run=True)
    assert again.ok and again.count("unchanged") == 1  # the same open problem is never doubled


def test_every_row_error_is_named_and_nothing_is_written(ba):
    mine = Assignment.objects.active().filter(assistant=ba).select_related("cooperative").first().cooperative
    other = Assignment.objects.active().filter(cooperative__village__code__startswith="15.71.").exclude(assistant=ba)
    theirs = other.select_related("cooperative").first().cooperative
    kerinci = Assignment.objects.active().filter(cooperative__village__code__startswith="15.01.").first()
    before = FieldProblem.objects.count()
    report = run(
        [
            [mine.village_id, ba.nik, "Lahan", "Tinggi", "Baik", ""],
            [theirs.village_id, ba.nik, "Lahan", "", "Bukan dampingannya", ""],
            [mine.village_id, ba.nik, "Cuaca", "", "Kategori tidak dikenal", ""],
            [mine.village_id, ba.nik, "Lahan", "", "", ""],
            [kerinci.cooperative.village_id, kerinci.assistant.nik, "Lahan", "", "Luar wilayah", ""],
            [mine.village_id, "1571019999999999", "Lahan", "", "NIK tidak ada", ""],
        ]
    )
    codes = sorted((e.row, e.code) for e in report.errors)
    assert codes == [
        (3, "not_in_caseload"),
        (4, "bad_choice"),
        (5, "required"),
        (6, "out_of_scope"),
        (7, "unknown_assistant"),
    ]
    message = next(e.message for e in report.errors if e.code == "not_in_caseload")
    assert theirs.name in message and ba.name in message
    assert FieldProblem.objects.count() == before
