import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistants.models import Assistant
from trainings import services
from trainings.models import Attendance, Cohort, Enrollment

from .factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db
COHORTS = reverse("trainings:cohort_list")
PROGRAMS = reverse("trainings:program_list")
PARTICIPANTS = reverse("trainings:participant_list")
COVERAGE = reverse("trainings:coverage")


def count(response):
    return response.context["table"].paginator.count


@pytest.fixture
def province_cohort(demo):
    return Cohort.objects.get(region_id="15", program__audience="staff")


@pytest.fixture
def board_cohort(demo):
    return Cohort.objects.get(region_id="15.71", program__audience="board")


def test_anonymous_goes_to_login(client):
    response = client.get(COHORTS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "username, regions",
    [
        ("kepala.dinas", {"15", "15.71"}),
        ("staf.kotajambi", {"15", "15.71"}),
        ("staf.kerinci", {"15"}),
    ],
)
def test_cohort_list_scope(login, username, regions):
    response = login(username).get(COHORTS)
    assert response.status_code == 200
    assert {c.region_id for c in response.context["table"].data} == regions


def test_regency_staff_see_only_their_people_in_the_province_cohort(login, province_cohort):
    response = login("staf.kotajambi").get(province_cohort.get_absolute_url())
    assert response.status_code == 200
    assert count(response) == 11  # 2 PMO, 7 BA, 2 PPKL of Kota Jambi
    composition = response.context["composition"]
    assert composition.total == 11 and [r[0].code for r in composition.rows] == ["15.71"]
    assert not response.context["can_edit"]


def test_cohort_page_figures_match_the_demo(login, province_cohort):
    response = login("kepala.dinas").get(province_cohort.get_absolute_url())
    html = response.content.decode()
    assert count(response) == 218
    assert '<span id="composition-total">218</span>' in html
    assert '<span data-group="PMO"><strong>24</strong>' in html
    assert '<span data-group="BA"><strong>156</strong>' in html
    assert '<span data-group="OTHER"><strong>38</strong>' in html


def test_participant_filters(login, province_cohort):
    client = login("admin.provinsi")
    url = province_cohort.get_absolute_url()
    assert count(client.get(url, {"role": "BA"})) == 156
    assert count(client.get(url, {"regency": "15.01", "role": "PMO"})) == 2
    completed = province_cohort.enrollments.filter(status="completed").count()
    assert count(client.get(url, {"status": "completed"})) == completed
    assert (
        count(client.get(PARTICIPANTS, {"position": "KETUA", "status": "completed"}))
        == Enrollment.objects.filter(board_member__position="KETUA", status="completed").count()
    )


def test_out_of_scope_is_404(login, board_cohort, province_cohort):
    client = login("staf.kerinci")
    assert client.get(board_cohort.get_absolute_url()).status_code == 404
    assert client.get(reverse("trainings:attendance_list", args=[board_cohort.pk])).status_code == 404
    kota_enrollment = board_cohort.enrollments.exclude(certificate_number="").first()
    assert client.get(reverse("trainings:participant_detail", args=[kota_enrollment.pk])).status_code == 404
    assert client.get(reverse("trainings:certificate", args=[kota_enrollment.pk])).status_code == 404
    # Kerinci staff follow the province cohort but cannot change it.
    assert client.get(province_cohort.get_absolute_url()).status_code == 200
    assert client.get(reverse("trainings:enroll", args=[province_cohort.pk])).status_code == 404
    assert client.get(reverse("trainings:cohort_update", args=[province_cohort.pk])).status_code == 404
    day = reverse("trainings:attendance_day", args=[province_cohort.pk, "2025-10-27"])
    assert client.post(day, {}).status_code == 404
    assert client.post(reverse("trainings:cohort_action", args=[province_cohort.pk, "close"])).status_code == 404


def test_head_reads_but_gets_403_on_writes(login, board_cohort):
    client = login("kepala.dinas")
    enrollment = board_cohort.enrollments.first()
    assert client.get(board_cohort.get_absolute_url()).status_code == 200
    assert (
        client.get(
            reverse("trainings:certificate", args=[board_cohort.enrollments.exclude(certificate_number="").first().pk])
        ).status_code
        == 200
    )
    for url in [
        reverse("trainings:cohort_create"),
        reverse("trainings:program_create"),
        reverse("trainings:cohort_update", args=[board_cohort.pk]),
        reverse("trainings:enroll", args=[board_cohort.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    before = Attendance.objects.filter(present=True).count()
    for url in [
        reverse("trainings:attendance_day", args=[board_cohort.pk, "2025-11-17"]),
        reverse("trainings:cohort_action", args=[board_cohort.pk, "certificates"]),
        reverse("trainings:participant_action", args=[enrollment.pk, "withdraw"]),
        reverse("trainings:participant_detail", args=[enrollment.pk]),
    ]:
        assert client.post(url, {}).status_code == 403, url
    assert Attendance.objects.filter(present=True).count() == before


def test_attendance_day_outside_the_cohort_is_404(login, board_cohort):
    client = login("staf.kotajambi")
    assert client.get(reverse("trainings:attendance_day", args=[board_cohort.pk, "2025-11-20"])).status_code == 404
    assert client.get(reverse("trainings:attendance_day", args=[board_cohort.pk, "bukan-tanggal"])).status_code == 404


def test_staff_flow_create_enroll_attend_complete_certificate(login):
    client = login("staf.kotajambi")
    program = ProgramFactory()
    response = client.post(
        reverse("trainings:cohort_create"),
        {
            "program": program.pk,
            "number": 1,
            "region": "15.71",
            "capacity": 12,
            "start_date": "2026-03-02",
            "end_date": "2026-03-03",
            "venue": "Aula",
            "organizer": "Dinas Kota Jambi",
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(program=program)
    response = client.post(reverse("trainings:enroll", args=[cohort.pk]), {"roles": ["BA", "PMO"], "areas": ["15.71"]})
    assert response.status_code == 302
    assert cohort.enrollments.count() == 9
    absent = cohort.enrollments.order_by("pk").first()
    present = [e.pk for e in cohort.enrollments.exclude(pk=absent.pk)]
    for day in ("2026-03-02", "2026-03-03"):
        response = client.post(
            reverse("trainings:attendance_day", args=[cohort.pk, day]),
            {"present": present, f"note-{absent.pk}": "sakit"},
        )
        assert response.status_code == 302
    assert Attendance.objects.filter(enrollment=absent, present=False, note="sakit").count() == 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 3, 3))
        client.post(reverse("trainings:cohort_action", args=[cohort.pk, "close"]))
    client.post(reverse("trainings:cohort_action", args=[cohort.pk, "certificates"]))
    assert cohort.enrollments.filter(status="completed").exclude(certificate_number="").count() == 8
    assert Enrollment.objects.get(pk=absent.pk).status == "not_completed"
    certificate = cohort.enrollments.filter(status="completed").first()
    response = client.get(reverse("trainings:certificate", args=[certificate.pk]))
    assert response.status_code == 200 and certificate.certificate_number in response.content.decode()
    assert client.get(reverse("trainings:certificate", args=[absent.pk])).status_code == 404


def test_enroll_errors_are_shown_and_nothing_is_written(login):
    client = login("staf.kotajambi")
    cohort = CohortFactory(capacity=3)
    response = client.post(reverse("trainings:enroll", args=[cohort.pk]), {"roles": ["BA"], "areas": ["15.71"]})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not cohort.enrollments.exists()


def test_board_enrollment_by_position_and_regency(login):
    client = login("staf.kotajambi")
    cohort = CohortFactory(program=ProgramFactory(audience="board", positions=["KETUA", "SEKRETARIS"]), capacity=200)
    response = client.post(
        reverse("trainings:enroll", args=[cohort.pk]), {"positions": ["KETUA", "SEKRETARIS"], "regencies": ["15.71"]}
    )
    assert response.status_code == 302
    assert cohort.enrollments.count() == 68 * 2


def test_participant_actions_and_scores(login):
    client = login("staf.kotajambi")
    cohort = CohortFactory(end_date=dt.date(2026, 3, 2), start_date=dt.date(2026, 3, 2))
    services.enroll(cohort=cohort, person=Assistant.objects.filter(work_area_id="15.71").first())
    enrollment = cohort.enrollments.get()
    url = reverse("trainings:participant_detail", args=[enrollment.pk])
    assert client.post(url, {"pre_test": "40", "post_test": "120"}).status_code == 200
    assert client.post(url, {"pre_test": "40", "post_test": "80"}).status_code == 302
    client.post(reverse("trainings:participant_action", args=[enrollment.pk, "complete"]))
    assert Enrollment.objects.get(pk=enrollment.pk).status == "registered"  # no attendance yet
    services.mark_attendance(cohort=cohort, day=cohort.start_date)
    client.post(reverse("trainings:participant_action", args=[enrollment.pk, "complete"]))
    client.post(reverse("trainings:participant_action", args=[enrollment.pk, "certificate"]))
    enrollment.refresh_from_db()
    assert enrollment.status == "completed" and enrollment.certificate_number
    assert enrollment.post_test == 80


@pytest.mark.parametrize(
    "url", [COHORTS, PROGRAMS, PARTICIPANTS, COVERAGE, "cohort", "attendance_list", "attendance_day", "score_sheet"]
)
@pytest.mark.parametrize("size", [5, 100])
def test_pages_run_a_fixed_number_of_queries(login, settings, django_assert_max_num_queries, url, size, board_cohort):
    """The same ceiling for a page of 5 rows and of 100 (and for 68 or 340 participants)."""
    settings.KDKMP_PAGE_SIZE = size
    for n in range(3):  # more programs and cohorts than fit on a page of 5
        CohortFactory(number=n + 2, program=board_cohort.program)
    url = {
        "cohort": board_cohort.get_absolute_url(),
        "attendance_list": reverse("trainings:attendance_list", args=[board_cohort.pk]),
        "attendance_day": reverse("trainings:attendance_day", args=[board_cohort.pk, "2025-11-18"]),
        "score_sheet": reverse("trainings:score_sheet", args=[board_cohort.pk]),
    }.get(url, url)
    client = login("staf.kotajambi")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_attendance_sheet_posts_plain_ids(login):
    """Ids above 999 must not get a thousands separator (1.675) in the form's values."""
    cohort = CohortFactory()
    person = Assistant.objects.filter(work_area_id="15.71").first()
    enrollment = Enrollment.objects.create(pk=123456, cohort=cohort, assistant=person, region_id="15.71")
    html = (
        login("staf.kotajambi")
        .get(reverse("trainings:attendance_day", args=[cohort.pk, cohort.start_date.isoformat()]))
        .content.decode()
    )
    assert f'value="{enrollment.pk}"' in html and f'name="note-{enrollment.pk}"' in html


def test_hand_picked_staff_and_people_outside_scope(login):
    client = login("staf.kotajambi")
    cohort = CohortFactory()
    mine = list(Assistant.objects.filter(work_area_id="15.71").order_by("pk")[:2])
    foreign = Assistant.objects.filter(work_area_id="15.01").first()
    response = client.post(reverse("trainings:enroll", args=[cohort.pk]), {"people": [foreign.pk]})
    assert response.status_code == 200 and "people" in response.context["form"].errors
    response = client.post(reverse("trainings:enroll", args=[cohort.pk]), {"people": [a.pk for a in mine]})
    assert response.status_code == 302
    assert set(cohort.enrollments.values_list("assistant_id", flat=True)) == {a.pk for a in mine}


def test_program_create_and_edit(login):
    client = login("admin.provinsi")
    response = client.post(
        reverse("trainings:program_create"),
        {
            "title": "Pelatihan Bendahara",
            "audience": "board",
            "positions": ["BENDAHARA"],
            "hours": 8,
            "attendance_threshold": 100,
            "topics": "Pembukuan",
        },
    )
    assert response.status_code == 302
    program = ProgramFactory._meta.model.objects.get(title="Pelatihan Bendahara")
    assert program.positions == ["BENDAHARA"]
    response = client.post(
        reverse("trainings:program_update", args=[program.pk]),
        {
            "title": "Pelatihan Bendahara",
            "audience": "staff",
            "positions": ["BENDAHARA"],
            "hours": 8,
            "attendance_threshold": 100,
        },
    )
    assert response.status_code == 200  # positions only for a board program


@pytest.mark.parametrize("model", ["trainingprogram", "cohort", "enrollment", "attendance"])
def test_admin_lists_load_for_the_province_admin(login, model):
    response = login("admin.provinsi").get(reverse(f"admin:trainings_{model}_changelist"))
    assert response.status_code == 200


def test_admin_is_scoped(demo, client, django_user_model):
    from django.contrib.auth.models import Group

    from accounts.roles import PROVINCE_ADMIN

    user = django_user_model.objects.create(username="admin.kerinci", is_staff=True, scope_region_id="15.01")
    user.groups.add(Group.objects.get(name=PROVINCE_ADMIN))
    client.force_login(user)
    response = client.get(reverse("admin:trainings_enrollment_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == Enrollment.objects.filter(region_id="15.01").count() == 32
    board = Enrollment.objects.filter(region__code__startswith="15.71.").first()
    assert client.get(reverse("admin:trainings_enrollment_change", args=[board.pk])).status_code in (302, 404)


def test_regency_staff_read_but_do_not_change_the_province_cohort(login, province_cohort):
    client = login("staf.kotajambi")
    own = province_cohort.enrollments.filter(region_id="15.71").first()
    assert client.get(reverse("trainings:participant_detail", args=[own.pk])).status_code == 200
    assert client.post(reverse("trainings:participant_action", args=[own.pk, "withdraw"])).status_code == 404
    other = province_cohort.enrollments.filter(region_id="15.01").first()
    assert client.get(reverse("trainings:participant_detail", args=[other.pk])).status_code == 404
    assert Enrollment.objects.get(pk=own.pk).status != "withdrawn"


def test_a_regency_cannot_change_the_program_other_regions_use(login, board_cohort):
    """Finding 4 of issue 11: a regency's staff changed a shared program's audience and
    threshold, and so every other region's coverage. The owning province still can."""
    program = board_cohort.program
    data = {"title": program.title, "audience": "staff", "hours": 1, "attendance_threshold": 1}
    client = login("staf.kotajambi")
    assert client.get(reverse("trainings:program_update", args=[program.pk])).status_code == 403
    assert client.post(reverse("trainings:program_update", args=[program.pk]), data).status_code == 403
    assert reverse("trainings:program_update", args=[program.pk]) not in client.get(PROGRAMS).content.decode()
    program.refresh_from_db()
    assert (program.audience, program.attendance_threshold) == ("board", 80)
    client.post(
        reverse("trainings:program_create"),
        {"title": "Pelatihan Kota", "audience": "board", "hours": 4, "attendance_threshold": 75},
    )
    own = ProgramFactory._meta.model.objects.get(title="Pelatihan Kota")
    assert own.owner_region_id == "15.71"
    assert client.get(reverse("trainings:program_update", args=[own.pk])).status_code == 200
    client = login("admin.provinsi")
    assert (
        client.post(reverse("trainings:program_update", args=[program.pk]), {**data, "audience": "board"}).status_code
        == 302
    )


def test_a_regency_cannot_change_a_shared_program_in_the_admin(client, board_cohort):
    from accounts.models import User

    staff = User.objects.get(username="staf.kotajambi")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(staff)
    program = board_cohort.program
    url = reverse("admin:trainings_trainingprogram_change", args=[program.pk])
    client.post(url, {"title": program.title, "audience": "staff", "hours": 1, "attendance_threshold": 1})
    program.refresh_from_db()
    assert (program.audience, program.attendance_threshold) == ("board", 80)
    assert (
        client.post(reverse("admin:trainings_trainingprogram_delete", args=[program.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_a_ba_counts_only_its_own_enrollments_in_the_cohort_list(login, province_cohort):
    """Finding 7 of issue 11: the BA's list showed every cohort's full participant count."""
    client = login("ba.kotajambi")
    cohorts = {c.pk: c for c in client.get(reverse("trainings:cohort_list")).context["table"].data}
    assert cohorts[province_cohort.pk].enrolled == 1
    assert province_cohort.enrollments.count() > 100


def test_coverage_shows_a_dash_where_a_role_has_nobody(login):
    """A role with no staff in a regency was shown as "0/0 (None%)"."""
    from assistants.models import Assistant

    Assistant.objects.filter(role="PMO", work_area_id="15.71").update(status="resigned")
    html = login("kepala.dinas").get(reverse("trainings:coverage")).content.decode()
    assert "None%" not in html and "0/0" not in html


def test_a_future_day_cannot_be_marked_and_saving_opens_the_next_day(login):
    import datetime as dt

    from django.utils import timezone

    from trainings import services

    today = timezone.localdate()
    cohort = CohortFactory(start_date=today - dt.timedelta(days=1), end_date=today + dt.timedelta(days=1))
    person = Assistant.objects.filter(work_area_id="15.71").first()
    Enrollment.objects.create(cohort=cohort, assistant=person, region_id="15.71")
    with pytest.raises(ValidationError) as refused:
        services.mark_attendance(cohort=cohort, day=today + dt.timedelta(days=1))
    assert "belum tiba" in " ".join(refused.value.messages)
    client = login("staf.kotajambi")
    tomorrow = client.get(
        reverse("trainings:attendance_day", args=[cohort.pk, (today + dt.timedelta(days=1)).isoformat()])
    )
    assert 'id="future-day"' in tomorrow.content.decode() and 'id="save-attendance"' not in tomorrow.content.decode()
    yesterday = reverse("trainings:attendance_day", args=[cohort.pk, (today - dt.timedelta(days=1)).isoformat()])
    response = client.post(yesterday, {"present": []})
    assert response.url == reverse("trainings:attendance_day", args=[cohort.pk, today.isoformat()])
    last = client.post(reverse("trainings:attendance_day", args=[cohort.pk, today.isoformat()]), {"present": []})
    assert last.url == cohort.get_absolute_url()  # no later day that has come
