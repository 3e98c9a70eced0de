"""Done when (issue 16): a large roster is uploaded in the browser, checked by a real worker
process while the progress bar advances; the page is closed and the job found again among the
user's recent uploads; it is confirmed and written by the worker; the list is then exported as
a job and downloaded. The roster is national: a new cooperative for each of the 83,762 villages
of the Kemendagri list, built on the fly."""

import io
import time

import pytest
from openpyxl import load_workbook

from accounts.models import User
from cooperatives.models import Cooperative, Region
from cooperatives.services import load_regions
from tests.jobs.worker import enqueued_for_workers, start_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def worker_output(worker):
    worker.kill()
    return worker.communicate(timeout=30)[0].decode()[-3000:]


def bar_value(page):
    from playwright.sync_api import Error

    try:
        return page.evaluate("(document.querySelector('[data-job-bar]') || {value: -1}).value")
    except Error:  # the page reloading as the job ends
        return -1


def test_a_province_roster_through_a_worker_with_progress_then_an_export_job(
    small_jambi, log_in, page, password, settings, tmp_path
):
    started = time.monotonic()
    load_regions()
    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True))
    assert len(villages) > 83_000
    roster = tmp_path / "koperasi-nasional.csv"
    roster.write_text(
        "Kode Desa;Jumlah Anggota\n" + "".join(f"{code};{20 + i % 50}\n" for i, code in enumerate(villages))
    )
    User.objects.create_superuser("pusat", password=password)
    settings.KDKMP_IMPORT_BACKGROUND_BYTES = 10_000
    settings.KDKMP_EXPORT_BACKGROUND_ROWS = 1_000
    with enqueued_for_workers():
        worker = start_worker("--interval", "0.2")
        try:
            log_in("pusat")
            page.goto("/impor/")
            page.select_option("select[name=kind]", "cooperatives")
            page.set_input_files("input[name=file]", str(roster))
            page.click("#import-form button[type=submit]")
            page.wait_for_selector("#job-progress")

            seen = set()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not any(0 < v < 100 for v in seen):
                seen.add(bar_value(page))
                time.sleep(0.2)
            # the bar moved while the worker checked rows
            assert any(0 < v < 100 for v in seen), (seen, page.inner_text("main"), worker_output(worker))

            job_url = page.url
            page.close()  # the browser closed mid-job; the work goes on
            again = page.context.new_page()
            again.set_default_timeout(15_000)
            again.goto("/impor/")
            link = again.locator("#import-jobs a").first
            assert link.get_attribute("href") in job_url
            link.click()
            again.wait_for_selector("#confirm-import", timeout=180_000)
            assert again.locator('[data-count="new"]').inner_text().replace(".", "") == str(len(villages))
            again.click("#confirm-import")
            again.wait_for_selector("#import-done", timeout=300_000)
            assert Cooperative.objects.count() == len(villages)
            print(f"national roster: {len(villages)} rows, checked and written in {time.monotonic() - started:.0f} s")

            again.goto("/koperasi/")
            again.click("#export-xlsx")
            again.wait_for_selector("#job-download", timeout=180_000)
            with again.expect_download() as download:
                again.click("#job-download")
            sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True).active
            assert sum(1 for _ in sheet.iter_rows()) == len(villages) + 1
        finally:
            worker.kill()
            worker.wait(timeout=30)
