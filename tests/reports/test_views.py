"""The field-report pages, as the BA, the PMO and the office use them."""

import pytest
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from assistants.models import Assistant
from reports import services
from reports.models import Activity, FieldProblem, MonthlyReport

from .conftest import fill


@pytest.fixture
def ba_client(client, ba):
    client.force_login(ba.user)
    return client


def test_my_work_lists_the_month_and_the_caseload_with_phone_links(ba_client, ba, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = ba_client.get(reverse("reports:my_work"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mulai laporan" in page or "Lanjutkan laporan" in page
    cooperative = ba.assignments.active().first().cooperative
    assert cooperative.name in page
    ketua = cooperative.board_members.filter(position="KETUA").exclude(phone="").first()
    if ketua:
        assert f'href="tel:{ketua.phone}"' in page


def test_the_ba_writes_submits_and_sees_what_is_missing(ba_client, ba, month):
    response = ba_client.post(reverse("reports:open", args=[ba.pk, month.strftime("%Y-%m")]))
    report = MonthlyReport.objects.get(assistant=ba, month=month)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    response = ba_client.post(reverse("reports:submit", args=[report.pk]), follow=True)
    first = report.sections.select_related("cooperative").order_by("cooperative__name").first()
    assert "Masih kurang" in response.content.decode() and first.cooperative.name in response.content.decode()
    url = reverse("reports:activity_add", args=[report.pk, first.pk])
    response = ba_client.post(url, {"date": "", "mode": "phone", "area": "plans", "outcome": ""})
    assert response.status_code == 400 and {"date", "outcome"} <= set(response.context["activity_form"].errors)
    response = ba_client.post(
        url,
        {"date": first.accompanied_from.isoformat(), "mode": "in_person", "area": "outlet", "outcome": "Cek lahan"},
    )
    assert response.status_code == 302 and first.activities.count() == 1
    for section in report.sections.exclude(pk=first.pk):
        ba_client.post(
            reverse("reports:section", args=[report.pk, section.pk]), {"no_visit_reason": "Jalan terputus banjir"}
        )
    response = ba_client.post(reverse("reports:submit", args=[report.pk]), follow=True)
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED, response.content.decode()


def test_autosave_answers_json_and_keeps_the_text(ba_client, report):
    section = report.sections.first()
    url = reverse("reports:section", args=[report.pk, section.pk])
    response = ba_client.post(url, {"progress_note": "Rapat pengurus"}, headers={"X-Autosave": "1"})
    assert response.status_code == 200 and response.json()["saved"] is True
    section.refresh_from_db()
    assert section.progress_note == "Rapat pengurus"
    response = ba_client.post(url, {"members_count": "banyak"}, headers={"X-Autosave": "1"})
    assert response.status_code == 400 and "members_count" in response.json()["errors"]
    response = ba_client.post(
        reverse("reports:detail", args=[report.pk]), {"summary": "Ringkasan"}, headers={"X-Autosave": "1"}
    )
    assert response.json()["saved"] is True
    report.refresh_from_db()
    assert report.summary == "Ringkasan"


def test_the_pmo_returns_then_approves_and_the_report_is_locked_on_the_page(client, submitted, ba):
    pmo = User.objects.get(username="pmo.kotajambi")
    client.force_login(pmo)
    review = reverse("reports:review", args=[submitted.pk])
    client.post(review, {"decision": "return", "note": ""})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.SUBMITTED  # a return needs a note
    client.post(review, {"decision": "return", "note": "Tambahkan hasil kunjungan"})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.RETURNED
    services.submit(submitted, by=ba.user)
    client.post(review, {"decision": "approve", "note": ""})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.APPROVED
    client.force_login(ba.user)
    section = submitted.sections.first()
    assert client.post(reverse("reports:section", args=[submitted.pk, section.pk]), {}).status_code == 403
    page = client.get(reverse("reports:detail", args=[submitted.pk])).content.decode()
    assert 'id="submit-report"' not in page and 'id="summary-form"' not in page


def test_a_ba_cannot_review_and_a_pmo_cannot_write(client, submitted, report):
    client.force_login(User.objects.get(username="ba.kotajambi"))
    assert client.post(reverse("reports:review", args=[submitted.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(User.objects.get(username="pmo.kotajambi"))
    section = submitted.sections.first()
    assert client.post(reverse("reports:section", args=[submitted.pk, section.pk]), {}).status_code == 403


def test_the_queue_counts_each_state_and_approves_many(client, submitted, month, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="pmo.kotajambi"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:queue"), {"month": month.strftime("%Y-%m")})
    counts = response.context["counts"]
    bas = len(response.context["rows"]) if not response.context["more"] else None
    assert counts["submitted"] == 1 and counts["not_started"] >= 1
    if bas is not None:
        assert sum(counts[s] for s in ("not_started", "draft", "submitted", "returned", "approved")) == bas
    response = client.get(reverse("reports:queue"), {"month": month.strftime("%Y-%m"), "state": "submitted"})
    assert [row.report_id for row in response.context["rows"]] == [submitted.pk]
    client.post(reverse("reports:approve_many"), {"reports": [submitted.pk, "x", "99999999999999999999"]})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.APPROVED


def test_report_detail_queries_are_bounded(client, ba, report, django_assert_max_num_queries):
    fill(report, ba.user)
    client.force_login(ba.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reports:detail", args=[report.pk]))
    assert response.status_code == 200
    section = report.sections.first()
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reports:section", args=[report.pk, section.pk])).status_code == 200


def test_raising_and_following_up_a_problem_through_the_pages(client, ba, report):
    client.force_login(ba.user)
    cooperative = report.sections.first().cooperative
    response = client.post(
        reverse("reports:problem_create"),
        {
            "cooperative": cooperative.pk,
            "category": "PERMODALAN",
            "severity": "high",
            "description": "Modal awal kurang",
        },
    )
    problem = FieldProblem.objects.get(assistant=ba, description="Modal awal kurang")
    assert response.status_code == 302 and problem.cooperative == cooperative
    assert client.post(problem.get_absolute_url(), {"action": "note", "text": "x"}).status_code == 403
    client.force_login(User.objects.get(username="pmo.kotajambi"))
    client.post(problem.get_absolute_url(), {"action": "escalate", "text": "Butuh Dinas"})
    problem.refresh_from_db()
    assert problem.level == FieldProblem.Level.REGENCY
    response = client.get(reverse("reports:problems"), {"state": "open", "category": "PERMODALAN"})
    assert problem in response.context["table"].data.data
    response = client.get(reverse("reports:problem_export", args=["csv"]), {"state": "open"})
    assert "Modal awal kurang" in response.content.decode("utf-8-sig")


def test_odd_input_on_the_report_forms_is_refused_in_words(ba_client, report):
    section = report.sections.first()
    url = reverse("reports:activity_add", args=[report.pk, section.pk])
    for date in ["31/02/2025", "2025-13-01", "\u0661\u0662", "9" * 30]:
        response = ba_client.post(url, {"date": date, "mode": "phone", "area": "plans", "outcome": "x"})
        assert response.status_code == 400
    response = ba_client.post(
        url, {"date": section.accompanied_from.isoformat(), "mode": "teleport", "area": "x", "outcome": "x"}
    )
    assert response.status_code == 400
    response = ba_client.post(
        url,
        {
            "date": section.accompanied_from.isoformat(),
            "mode": "phone",
            "area": "plans",
            "outcome": "x",
            "participants": ["99999999999999999999"],
        },
    )
    assert response.status_code == 400
    for period in ["2025-00", "abcd-ef", "2025-11-x"]:
        response = ba_client.post(f"/laporan/tulis/{report.assistant_id}/{period}/")
        assert response.status_code == 404


def test_the_recap_counts_agree_with_the_reports(client, month, submitted, ba, django_assert_max_num_queries):
    reviewer = User.objects.get(username="pmo.kotajambi")
    services.approve(submitted, by=reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reports:recap"), {"month": month.strftime("%Y-%m")})
    recap = response.context["recap"]
    bas = Assistant.objects.business_assistants().active().filter(work_area_id="15.71")
    assert recap.expected == bas.count()
    assert recap.approved == recap.submitted == 1 and recap.on_time == (0 if submitted.late else 1)
    row = next(r for r in recap.rows if r.assistant == ba)
    assert row.pay_recommended and row.cooperatives == submitted.sections.count()
    assert row.activities == Activity.objects.filter(section__report=submitted).count() and row.not_visited == 0
    assert reviewer.get_full_name() in response.content.decode()
    response = client.get(reverse("reports:recap"), {"month": month.strftime("%Y-%m"), "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("reports:recap"), {"wilayah": "17"}).status_code == 404  # outside the scope


def test_the_demo_recap_for_october_in_the_province(client, demo, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="admin.provinsi"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reports:recap"), {"month": "2025-10"})
    recap = response.context["recap"]
    october = MonthlyReport.objects.filter(month="2025-10-01")
    assert recap.approved == october.filter(status="approved").count()
    assert recap.submitted == october.filter(status__in=["submitted", "approved"]).count()
    assert sum(r.activities for r in recap.rows) == Activity.objects.filter(section__report__in=october).count()


@pytest.mark.parametrize("username, code", [("kepala.dinas", ""), ("kepala.dinas", "15.71"), ("staf.kotajambi", "")])
def test_the_dashboard_field_work_figures_agree_with_the_reports(client, demo, username, code):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("home"), {"wilayah": code} if code else {})
    page = response.content.decode()
    area = code or User.objects.get(username=username).scope_region_id
    bas = (
        Assistant.objects.business_assistants()
        .active()
        .filter(Q(work_area_id=area) | Q(work_area__code__startswith=f"{area}."))
    )
    november = MonthlyReport.objects.filter(assistant__in=bas, month="2025-11-01")
    submitted = november.filter(status__in=["submitted", "approved"]).count()
    assert (
        f'id="fig-reports-submitted" href="/laporan/?month=2025-11&amp;wilayah={area}&amp;state=sent">{submitted}<'
        in page
    )
    behind = client.get(reverse("reports:queue"), {"month": "2025-11", "wilayah": area, "state": "sent"})
    assert len(behind.context["rows"]) == submitted or behind.context["more"]
    open_problems = (
        FieldProblem.objects.open().filter(Q(region_id=area) | Q(region__code__startswith=f"{area}.")).count()
    )
    assert f">{open_problems}</a>" in page.split('id="fig-open-problems"')[1][:200]
    queue = client.get(reverse("reports:queue"), {"month": "2025-11", "wilayah": area, "state": "submitted"})
    approved = queue.context["counts"]["submitted"] + queue.context["counts"]["approved"]
    assert approved == submitted


def test_the_admin_cannot_change_an_approved_report(client, submitted):
    reviewer = User.objects.get(username="pmo.kotajambi")
    approved = services.approve(submitted, by=reviewer)
    client.force_login(User.objects.get(username="admin.provinsi"))
    url = reverse("admin:reports_monthlyreport_change", args=[approved.pk])
    assert client.get(url).status_code == 200  # shown read-only
    assert client.post(url, {"status": "draft", "summary": "diubah"}).status_code == 403
    assert (
        client.post(reverse("admin:reports_monthlyreport_delete", args=[approved.pk]), {"post": "yes"}).status_code
        == 403
    )
    approved.refresh_from_db()
    assert approved.status == MonthlyReport.Status.APPROVED and approved.summary != "diubah"


def _jpeg(size=(3000, 2000), fmt="JPEG"):
    from io import BytesIO

    from PIL import Image

    data = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, fmt)
    return data.getvalue()


def test_an_evidence_photo_is_shrunk_and_served_only_within_the_scope(client, ba, report, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    section = report.sections.first()
    client.force_login(ba.user)
    url = reverse("reports:activity_add", args=[report.pk, section.pk])
    fields = {"date": section.accompanied_from.isoformat(), "mode": "in_person", "area": "outlet", "outcome": "Foto"}
    upload = SimpleUploadedFile("gerai.png", _jpeg(fmt="PNG"), content_type="image/png")
    assert client.post(url, fields | {"photo": upload}).status_code == 302
    activity = section.activities.get()
    with Image.open(activity.photo.path) as kept:
        assert max(kept.size) == 1280 and kept.format == "JPEG"
    photo_url = reverse("reports:activity_photo", args=[report.pk, activity.pk])
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(User.objects.get(username="staf.kerinci"))
    assert client.get(photo_url).status_code == 404
    client.force_login(ba.user)
    not_a_photo = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(url, fields | {"photo": not_a_photo})
    assert response.status_code == 400 and section.activities.count() == 1
    settings.KDKMP_PHOTO_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", _jpeg(size=(400, 400)), content_type="image/jpeg")
    response = client.post(url, fields | {"photo": big})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()


def test_the_review_chain_setting_and_the_dinas_step_through_the_pages(client, submitted):
    admin = User.objects.get(username="admin.provinsi")
    client.force_login(admin)
    url = reverse("reports:review_setting")
    assert client.get(url).status_code == 200
    client.post(url, {"provinsi": "15", "dinas_acceptance": "on"})
    assert client.get(url, {"provinsi": "17"}).status_code == 404  # another province
    client.force_login(User.objects.get(username="pmo.kotajambi"))
    assert client.get(url).status_code == 403
    review = reverse("reports:review", args=[submitted.pk])
    client.post(review, {"decision": "approve"})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.VERIFIED
    assert client.post(review, {"decision": "approve"}).status_code == 403  # the PMO's step is done
    client.force_login(User.objects.get(username="staf.kotajambi"))
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert 'id="review-form"' in page
    client.post(review, {"decision": "approve"})
    submitted.refresh_from_db()
    assert submitted.status == MonthlyReport.Status.APPROVED


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2025-11111111111111111111111", "\u0662\u0660\u0662\u0665-11"])
def test_odd_months_are_no_month(client, demo, month):
    client.force_login(User.objects.get(username="staf.kotajambi"))
    assert client.get(reverse("reports:queue"), {"month": month}).status_code == 200  # the default month
    assert client.get(reverse("reports:recap"), {"month": month, "export": "xlsx"}).status_code == 200
    ba = Assistant.objects.get(user__username="ba.kotajambi")
    assert client.post(f"/laporan/tulis/{ba.pk}/{month}/").status_code == 404


def test_no_report_for_a_month_without_a_caseload(client, ba):
    client.force_login(ba.user)
    response = client.post(reverse("reports:open", args=[ba.pk, "2021-01"]), follow=True)
    assert not MonthlyReport.objects.filter(assistant=ba, month="2021-01-01").exists()
    assert "tidak mendampingi koperasi" in response.content.decode()


def test_a_broken_or_vanished_photo_is_never_a_server_error(client, ba, report, settings, tmp_path):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    section = report.sections.first()
    client.force_login(ba.user)
    url = reverse("reports:activity_add", args=[report.pk, section.pk])
    fields = {"date": section.accompanied_from.isoformat(), "mode": "in_person", "area": "outlet", "outcome": "Foto"}
    png = bytearray(_jpeg(size=(50, 40), fmt="PNG"))
    png[-8:-4] = b"\xbfEND"  # a damaged last chunk: Pillow raises SyntaxError
    broken = SimpleUploadedFile("rusak.png", bytes(png), content_type="image/png")
    assert client.post(url, fields | {"photo": broken}).status_code in (302, 400)
    good = SimpleUploadedFile("gerai.jpg", _jpeg(size=(60, 40)), content_type="image/jpeg")
    client.post(url, fields | {"photo": good})
    activity = section.activities.exclude(photo="").order_by("-pk").first()
    os.remove(activity.photo.path)
    assert client.get(reverse("reports:section", args=[report.pk, section.pk])).status_code == 200
    assert client.get(reverse("reports:activity_photo", args=[report.pk, activity.pk])).status_code == 404


def test_the_history_shows_status_labels_not_codes(client, submitted):
    client.force_login(User.objects.get(username="pmo.kotajambi"))
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "dikirim" in page and "→ submitted" not in page
