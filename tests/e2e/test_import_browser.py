"""Done when: upload a file with errors, see them all with row numbers, fix it, preview and
confirm; re-importing the same file reports no changes."""

import pytest

from cooperatives.models import Cooperative
from tests.factories import CooperativeFactory, VillageFactory
from tests.imports.files import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_with_errors_fix_preview_confirm_and_reimport(small_jambi, log_in, tmp_path, settings):
    CooperativeFactory(village_id="15.01.01.1004")  # the bad file's last row, a valid update
    villages = VillageFactory.create_batch(2)
    title = [["DATA KDKMP KOTA JAMBI"], []]
    header = ["Kode Desa", "Nama Koperasi", "Tanggal Musdesus", "Jumlah Anggota"]
    bad = tmp_path / "koperasi-salah.xlsx"
    bad.write_bytes(
        xlsx(
            title
            + [
                header,
                [villages[0].code, "", "14/04/2025", "banyak"],
                [villages[1].code, "", "31/02/2025", "50"],
                ["15.01.01.1004", "", "", "10"],
            ]
        )
    )
    good = tmp_path / "koperasi.xlsx"
    good.write_bytes(
        xlsx(
            title
            + [
                header,
                [villages[0].code, "", "14/04/2025", "120"],
                [villages[1].code.replace(".", ""), "KKMP Uji", "27 Oktober 2025", "50"],
            ]
        )
    )

    page = log_in("admin.provinsi")
    page.click("#menu-office")  # the menu's Kantor group
    page.click("nav a[href='/impor/']")
    page.select_option("select[name=kind]", "cooperatives")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    page.locator("#row-errors").wait_for()  # count() does not wait for the next page
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 2
    assert [errors.nth(i).locator("td").first.inner_text() for i in range(2)] == ["4", "5"]
    assert page.locator("#confirm-import").count() == 0
    with page.expect_download() as download:
        page.click("#failed-rows")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert not Cooperative.objects.filter(village__in=villages).exists()

    page.goto("/impor/")
    page.set_input_files("input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    assert page.inner_text("[data-count=new]") == "2"
    assert page.locator("#changes tbody tr").count() == 2
    page.click("#confirm-import")
    page.wait_for_url("**/impor/")
    assert page.locator(".alert-success").count() == 1
    assert Cooperative.objects.filter(village__in=villages).count() == 2

    page.set_input_files("input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    assert page.inner_text("[data-count=unchanged]") == "2"
    assert page.inner_text("[data-count=new]") == "0"
    assert page.locator("#no-changes").count() == 1
