"""The field-report loop in a real browser on a phone-sized screen: the BA writes the month's
report across page loads (drafts survive), raises a problem and submits; the PMO returns it;
the BA fixes and resubmits; the PMO approves; the report is locked, the cooperative's change is
in its history, and the recap and the dashboard count it. No page scrolls sideways."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from reports import services
from reports.models import FieldProblem, MonthlyReport
from tests.factories import AssignmentFactory, AssistantFactory, cooperatives_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def caseload(small_jambi):
    """A Kota Jambi BA linked to the ba.kotajambi login, with three cooperatives (boards of five)."""
    ba = AssistantFactory(name="Rina Pendamping", work_area_id="15.71", user=small_jambi["ba.kotajambi"])
    cooperatives = cooperatives_in("15.71", 3, board=True)
    for cooperative in cooperatives:
        AssignmentFactory(assistant=ba, cooperative=cooperative)
    ketua = cooperatives[0].board_members.get(position="KETUA")
    ketua.phone = "081234567890"
    ketua.save()
    return ba, cooperatives


def no_sideways_scroll(page):
    page.set_viewport_size({"width": 360, "height": 780})
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(PHONE)
    assert wide <= 360, f"{page.url} is {wide}px wide at 360px"


def test_the_monthly_report_loop_on_a_phone(page, log_in, caseload):
    ba, cooperatives = caseload
    month = services.previous_month(services.month_start(timezone.localdate()))
    period = services.month_label(month)
    page.set_viewport_size(PHONE)

    log_in("ba.kotajambi")
    page.goto("/")
    assert page.url.endswith("/tugas/")
    assert page.locator("a[href='tel:081234567890']").count() == 1
    no_sideways_scroll(page)
    page.click(f"#month-{period} button[type=submit]")  # start the report
    report = MonthlyReport.objects.get(assistant=ba, month=month)
    assert page.url.endswith(report.get_absolute_url())
    no_sideways_scroll(page)

    # The summary is kept on the device at once: a reload before the autosave restores it.
    page.fill("#id_summary", "Fokus pada SIMKOPDES")
    page.reload()
    assert page.input_value("#id_summary") == "Fokus pada SIMKOPDES"
    expect(page.locator("#summary-form .draft-status")).to_contain_text("Tersimpan")
    report.refresh_from_db()
    assert report.summary == "Fokus pada SIMKOPDES"

    first = report.sections.get(cooperative=cooperatives[0])
    page.goto(f"/laporan/{report.pk}/koperasi/{first.pk}/")
    no_sideways_scroll(page)
    page.fill("#id_progress_note", "Pengurus menyiapkan gerai")
    page.fill("#id_members_count", "77")
    expect(page.locator("#section-form .draft-status")).to_contain_text("Tersimpan")
    page.reload()  # the draft survives a reload: it is on the server now
    assert page.input_value("#id_progress_note") == "Pengurus menyiapkan gerai"
    page.click("#add-activity summary")
    page.fill("#id_date", first.accompanied_from.isoformat())
    page.check("input[name=mode][value=in_person]")
    page.select_option("#id_area", "outlet")
    page.fill("#id_outcome", "Memeriksa lokasi gerai")
    page.click("#add-activity button[type=submit]")
    assert "Kegiatan tersimpan" in page.inner_text(".alert-success")

    for cooperative in cooperatives[1:]:
        section = report.sections.get(cooperative=cooperative)
        page.goto(f"/laporan/{report.pk}/koperasi/{section.pk}/")
        page.fill("#id_no_visit_reason", "Jalan terputus banjir")
        page.click("#section-form button[type=submit]")

    page.goto(f"/kendala/baru/?report={report.pk}")
    page.select_option("#id_cooperative", str(cooperatives[0].pk))
    page.select_option("#id_category", "LAHAN")
    page.fill("#id_description", "Lahan gerai belum bersertifikat")
    page.click("form button[type=submit].btn-danger")
    assert FieldProblem.objects.filter(cooperative=cooperatives[0], report=report).exists()

    problem = FieldProblem.objects.get(cooperative=cooperatives[0], report=report)
    for url in ["/kendala/", problem.get_absolute_url(), "/kendala/baru/"]:
        page.goto(url)
        no_sideways_scroll(page)

    page.goto(report.get_absolute_url())
    page.click("#submit-report")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED

    # The PMO returns it with a note.
    page.context.clear_cookies()
    log_in("pmo.kotajambi")
    page.goto(f"/laporan/?month={period}")
    no_sideways_scroll(page)
    page.click(f"#queue a[href='{report.get_absolute_url()}']")
    page.check("input[name=decision][value=return]")
    page.fill("#review-form textarea[name=note]", "Tambahkan hasil kunjungan ke koperasi kedua")
    page.click("#review-form button[type=submit]")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED

    # The BA reads the note, fixes, resubmits.
    page.context.clear_cookies()
    log_in("ba.kotajambi")
    page.goto("/tugas/")
    assert "Tambahkan hasil kunjungan" in page.inner_text(f"#month-{period}")
    second = report.sections.get(cooperative=cooperatives[1])
    page.goto(f"/laporan/{report.pk}/koperasi/{second.pk}/")
    page.click("#add-activity summary")
    page.fill("#id_date", second.accompanied_from.isoformat())
    page.check("input[name=mode][value=phone]")
    page.select_option("#id_area", "plans")
    page.fill("#id_outcome", "Membahas rencana bisnis lewat telepon")
    page.click("#add-activity button[type=submit]")
    page.goto(report.get_absolute_url())
    page.click("#submit-report")

    # The PMO approves: locked, the change applied with the report as the reason.
    page.context.clear_cookies()
    log_in("pmo.kotajambi")
    page.goto(report.get_absolute_url())
    page.check("input[name=decision][value=approve]")
    page.click("#review-form button[type=submit]")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.APPROVED
    assert page.locator("#submit-report").count() == 0 and page.locator("#summary-form").count() == 0
    cooperative = Cooperative.objects.get(pk=cooperatives[0].pk)
    assert cooperative.members_count == 77
    page.goto(cooperative.get_absolute_url())
    assert period in page.inner_text("#history")

    page.goto(f"/laporan/rekap/?month={period}")
    no_sideways_scroll(page)
    assert page.inner_text("#recap-totals").split().count("1") >= 2  # submitted and approved

    page.context.clear_cookies()
    log_in("kepala.dinas")
    page.goto("/")
    assert page.inner_text("#fig-reports-submitted").strip() == "1"
    no_sideways_scroll(page)

    page.context.clear_cookies()
    log_in("admin.provinsi")
    page.goto("/laporan/pengaturan/")
    no_sideways_scroll(page)

    # The BA sees its approved report read-only.
    page.context.clear_cookies()
    log_in("ba.kotajambi")
    page.goto(report.get_absolute_url())
    assert page.locator("#summary-form").count() == 0
    no_sideways_scroll(page)


def test_a_draft_typed_offline_survives_a_closed_browser(browser, live_server, page, log_in, caseload):
    ba, cooperatives = caseload
    month = services.previous_month(services.month_start(timezone.localdate()))
    report = services.open_report(ba, month, by=None)
    section = report.sections.get(cooperative=cooperatives[0])
    page.set_viewport_size(PHONE)
    log_in("ba.kotajambi")
    url = f"/laporan/{report.pk}/koperasi/{section.pk}/"
    page.goto(url)
    page.context.set_offline(True)  # the village's signal drops
    page.fill("#id_progress_note", "Ditulis tanpa sinyal")
    expect(page.locator("#section-form .draft-status")).to_contain_text("Tidak tersambung")
    section.refresh_from_db()
    assert section.progress_note == ""  # the server never got it
    kept = page.context.storage_state()  # what the phone keeps on disk when the browser closes
    page.context.close()

    reopened = browser.new_context(base_url=live_server.url, locale="id-ID", storage_state=kept)
    try:
        again = reopened.new_page()
        again.goto(url)
        assert again.input_value("#id_progress_note") == "Ditulis tanpa sinyal"
        expect(again.locator("#section-form .draft-status")).to_contain_text("Tersimpan")
        section.refresh_from_db()
        assert section.progress_note == "Ditulis tanpa sinyal"
    finally:
        reopened.close()
