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
