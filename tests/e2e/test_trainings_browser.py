import datetime as dt

import pytest

from tests.factories import AssistantFactory
from trainings.models import Cohort, Enrollment, TrainingProgram

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_cohort_enroll_attend_complete_and_open_a_certificate(small_jambi, log_in):
    AssistantFactory.create_batch(2, role="PMO", work_area_id="15.71")
    AssistantFactory.create_batch(7, role="BA", work_area_id="15.71")
    AssistantFactory(role="BA", work_area_id="15.01")  # Kerinci's: not in Kota Jambi's cohort
    program = TrainingProgram.objects.create(title="Pelatihan Uji Peramban", audience="staff", hours=16)
    today = dt.date.today()
    first, last = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    page = log_in("staf.kotajambi")

    page.click("nav a[href='/pelatihan/']")
    page.click("a[href='/pelatihan/angkatan/baru/']")
    page.select_option("select[name=program]", str(program.pk))
    page.fill("input[name=number]", "1")
    page.select_option("select[name=region]", "15.71")
    page.fill("input[name=capacity]", "20")
    page.fill("input[name=start_date]", first.isoformat())
    page.fill("input[name=end_date]", last.isoformat())
    page.fill("input[name=venue]", "Aula Dinas Koperasi Kota Jambi")
    page.fill("input[name=organizer]", "Dinas Koperasi dan UKM Kota Jambi")
    page.click("form input[type=submit]")
    cohort = Cohort.objects.get(program=program)
    page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/")

    page.click("#enroll-link")
    page.check("input[name=roles][value=BA]")
    page.check("input[name=roles][value=PMO]")
    page.check("input[name=areas][value='15.71']")
    page.click("form input[type=submit]")
    page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/")
    assert page.inner_text("#result-count") == "9"  # 2 PMO + 7 BA of Kota Jambi
    assert page.inner_text("#composition-total") == "9"

    # Each day: everyone is ticked present; untick one person, save.
    absent = Enrollment.objects.filter(cohort=cohort).order_by("region_id", "assistant__role", "pk").first()
    # Saving the first day opens the last day's sheet; saving that, the cohort page.
    page.goto(f"/pelatihan/angkatan/{cohort.pk}/absensi/{first.isoformat()}/")
    for then in (f"absensi/{last.isoformat()}/", ""):
        assert page.locator("#attendance-sheet input[name=present]:checked").count() == 9
        page.uncheck(f"#attendance-sheet input[name=present][value='{absent.pk}']")
        page.click("#save-attendance")
        page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/{then}")

    page.click("#close-cohort")
    page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/")
    page.click("#issue-certificates")
    page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/")
    page.select_option("select[name=status]", "completed")
    page.click(".filter-form button[type=submit]")
    page.wait_for_url("**status=completed**")
    assert page.inner_text("#result-count") == "8"

    page.locator("#participant-table tbody tr a").first.click()
    page.click("#certificate-link")
    number = page.inner_text("#certificate-number")
    enrollment = Enrollment.objects.get(certificate_number=number)
    assert enrollment.cohort == cohort and enrollment.status == "completed"
    assert page.inner_text("#certificate-name") == enrollment.name
    assert Enrollment.objects.get(pk=absent.pk).status == "not_completed"

    # "Cetak" asks the browser's print dialog under the strict CSP (no inline handler).
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for url in [page.url, f"/pelatihan/angkatan/{cohort.pk}/daftar-hadir/"]:
        page.goto(url)
        page.evaluate("() => { window.printRequests = 0; window.print = () => { window.printRequests += 1; }; }")
        page.click("#print-button")
        assert page.evaluate("() => window.printRequests") == 1, url
    assert violations == []


def test_sheet_filter_hides_rows_and_saving_still_sends_them(small_jambi, log_in):
    """The attendance and score sheets filter by name, role and regency in the browser; the
    rows filtered out stay in the form, so the score grid still saves every row at once."""
    pmo = AssistantFactory(role="PMO", work_area_id="15.71", name="Rahmat Hidayat")
    bas = AssistantFactory.create_batch(3, role="BA", work_area_id="15.71")
    program = TrainingProgram.objects.create(title="Pelatihan Nilai", audience="staff", hours=8)
    today = dt.date.today()
    cohort = Cohort.objects.create(
        program=program,
        number=1,
        region_id="15.71",
        capacity=10,
        start_date=today,
        end_date=today,
        venue="Aula",
        organizer="Dinas",
    )
    from trainings import services

    services.enroll_many(cohort=cohort, people=[pmo, *bas])
    page = log_in("staf.kotajambi")
    page.goto(f"/pelatihan/angkatan/{cohort.pk}/nilai/")
    page.fill("#score-sheet-q", "rahmat")
    assert page.locator("#score-sheet tbody tr:visible").count() == 1
    assert page.inner_text("[data-row-filter] [data-row-count]") == "1"
    page.fill("#score-sheet-q", "")
    page.select_option("#score-sheet-role", "BA")
    assert page.locator("#score-sheet tbody tr:visible").count() == 3
    # Type a score for the (now hidden) PMO and for a BA, then save: both are written.
    mine = Enrollment.objects.get(cohort=cohort, assistant=pmo)
    page.select_option("#score-sheet-role", "")
    page.fill(f"input[name=post-{mine.pk}]", "88,5")
    page.select_option("#score-sheet-role", "BA")
    first_ba = Enrollment.objects.filter(cohort=cohort, assistant__role="BA").order_by("pk").first()
    page.fill(f"input[name=pre-{first_ba.pk}]", "61")
    page.click("#save-scores")
    page.wait_for_url(f"**/pelatihan/angkatan/{cohort.pk}/")
    mine.refresh_from_db()
    first_ba.refresh_from_db()
    assert (str(mine.post_test), first_ba.pre_test) == ("88.50", 61)

    page.goto(f"/pelatihan/angkatan/{cohort.pk}/absensi/{today.isoformat()}/")
    page.fill("#attendance-sheet-q", "rahmat")
    assert page.locator("#attendance-sheet tbody tr:visible").count() == 1
