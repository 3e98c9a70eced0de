"""Assignments from a spreadsheet in the browser: the 1:10 rule holds across the whole file (the
11th row for a BA is refused by row number and nothing is written), then the fixed file goes in
and the BA's page shows the full caseload."""

import pytest

from assistants.models import Assignment
from tests.factories import AssistantFactory, cooperatives_in
from tests.imports.files import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = ["NIK BA", "Kode Desa", "Tanggal Mulai", "Alasan"]


def test_assignment_import_keeps_the_cap_then_fills_a_caseload(small_jambi, log_in, tmp_path, settings):
    cooperatives = cooperatives_in("15.71", 11)
    ba = AssistantFactory(name="Rina Pendamping Baru")
    rows = [[ba.nik, c.village_id, "03/11/2025", "Penugasan awal"] for c in cooperatives]
    too_many = tmp_path / "penugasan-11.xlsx"
    too_many.write_bytes(xlsx([HEADER] + rows))
    ten = tmp_path / "penugasan-10.xlsx"
    ten.write_bytes(xlsx([HEADER] + rows[:10]))

    page = log_in("admin.provinsi")
    page.goto("/impor/")
    page.select_option("select[name=kind]", "assignments")
    page.set_input_files("input[name=file]", str(too_many))
    page.click("#import-form button[type=submit]")
    page.locator("#row-errors").wait_for()
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == "12"  # the 11th data row, under the header
    assert "Rina Pendamping Baru" in errors.first.inner_text() and "batas 10" in errors.first.inner_text()
    assert page.locator("#confirm-import").count() == 0
    assert not Assignment.objects.filter(assistant=ba).exists()

    page.goto("/impor/")
    page.select_option("select[name=kind]", "assignments")
    page.set_input_files("input[name=file]", str(ten))
    page.click("#import-form button[type=submit]")
    assert page.inner_text("[data-count=new]") == "10"
    page.click("#confirm-import")
    page.wait_for_url("**/impor/")
    assert page.locator(".alert-success").count() == 1
    assert Assignment.objects.active().filter(assistant=ba).count() == 10

    page.goto(f"/pendamping/{ba.pk}/")
    assert "10/10" in page.inner_text("main")
