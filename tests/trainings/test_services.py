import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistants.models import Assistant
from cooperatives.models import BoardMember
from trainings import services
from trainings.models import Attendance, Enrollment, TrainingProgram

from .factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kota_jambi_staff(demo):
    return list(Assistant.objects.filter(work_area_id="15.71").order_by("pk"))


@pytest.fixture
def cohort(demo):
    return CohortFactory()


def test_enroll_many_enrolls_and_records_the_region(cohort, kota_jambi_staff):
    result = services.enroll_many(cohort=cohort, people=kota_jambi_staff)
    assert len(result.created) == len(kota_jambi_staff) == 11
    assert set(cohort.enrollments.values_list("region_id", flat=True)) == {"15.71"}


def test_enroll_many_again_skips_those_already_enrolled(cohort, kota_jambi_staff):
    services.enroll_many(cohort=cohort, people=kota_jambi_staff[:5])
    result = services.enroll_many(cohort=cohort, people=kota_jambi_staff)
    assert (len(result.created), len(result.skipped)) == (6, 5)
    assert cohort.enrollments.count() == 11


def test_enroll_one_twice_is_an_error(cohort, kota_jambi_staff):
    services.enroll(cohort=cohort, person=kota_jambi_staff[0])
    with pytest.raises(ValidationError):
        services.enroll(cohort=cohort, person=kota_jambi_staff[0])


def test_capacity_is_all_or_nothing(cohort, kota_jambi_staff):
    cohort.capacity = 10
    cohort.save()
    with pytest.raises(ValidationError) as error:
        services.enroll_many(cohort=cohort, people=kota_jambi_staff)
    assert len(error.value.messages) == 1
    assert not cohort.enrollments.exists()


def test_withdrawn_participants_free_their_place(cohort, kota_jambi_staff):
    cohort.capacity = 11
    cohort.save()
    services.enroll_many(cohort=cohort, people=kota_jambi_staff)
    services.withdraw(enrollment=cohort.enrollments.first())
    extra = Assistant.objects.filter(work_area_id="15.01").first()
    services.enroll(cohort=cohort, person=extra)
    assert cohort.enrollments.active().count() == 11


def test_audience_and_positions_are_checked_with_every_problem_listed(demo):
    board_program = ProgramFactory(audience=TrainingProgram.Audience.BOARD, positions=["KETUA", "BENDAHARA"])
    cohort = CohortFactory(program=board_program)
    members = list(BoardMember.objects.filter(cooperative__village__code__startswith="15.71.01.").order_by("pk"))
    staff = Assistant.objects.filter(work_area_id="15.71").first()
    wrong = [m for m in members if m.position not in ("KETUA", "BENDAHARA")]
    with pytest.raises(ValidationError) as error:
        services.enroll_many(cohort=cohort, people=members + [staff])
    assert len(error.value.messages) == len(wrong) + 1
    assert not cohort.enrollments.exists()
    chairs = [m for m in members if m.position in ("KETUA", "BENDAHARA")]
    result = services.enroll_many(cohort=cohort, people=chairs)
    assert len(result.created) == len(chairs)
    assert all(e.region_id.startswith("15.71.01.") for e in result.created)


def test_resigned_staff_cannot_enroll(cohort, kota_jambi_staff):
    person = kota_jambi_staff[0]
    person.status = Assistant.Status.RESIGNED
    person.save()
    with pytest.raises(ValidationError):
        services.enroll(cohort=cohort, person=person)


def test_attendance_only_on_cohort_days_and_records_who(cohort, kota_jambi_staff, django_user_model):
    services.enroll_many(cohort=cohort, people=kota_jambi_staff)
    user = django_user_model.objects.get(username="staf.kotajambi")
    with pytest.raises(ValidationError):
        services.mark_attendance(cohort=cohort, day=dt.date(2026, 3, 7), recorded_by=user)
    absent = cohort.enrollments.order_by("pk").first()
    assert services.mark_attendance(cohort=cohort, day=cohort.start_date, absent=[absent.pk], recorded_by=user) == 11
    rows = Attendance.objects.filter(enrollment__cohort=cohort)
    assert rows.count() == 11 and rows.filter(present=False).get().enrollment == absent
    assert set(rows.values_list("recorded_by__username", flat=True)) == {"staf.kotajambi"}
    # Saving the same sheet again changes nothing; correcting one row changes only that row.
    assert services.mark_attendance(cohort=cohort, day=cohort.start_date, absent=[absent.pk]) == 0
    assert services.mark_attendance(cohort=cohort, day=cohort.start_date, absent=[]) == 1
    assert rows.get(enrollment=absent).recorded_by is None
    assert rows.exclude(enrollment=absent).filter(recorded_by=user).count() == 10


def _attend(cohort, days_absent_by_pk=None):
    days_absent_by_pk = days_absent_by_pk or {}
    for day in cohort.days:
        services.mark_attendance(
            cohort=cohort, day=day, absent=[pk for pk, days in days_absent_by_pk.items() if day in days]
        )


def test_completion_needs_the_attendance_threshold(cohort, kota_jambi_staff):
    services.enroll_many(cohort=cohort, people=kota_jambi_staff[:3])
    one, two, three = cohort.enrollments.order_by("pk")
    days = cohort.days
    _attend(cohort, {two.pk: days[:1], three.pk: days[:2]})  # 100%, 80%, 60%
    services.complete(enrollment=one)
    services.complete(enrollment=two)
    with pytest.raises(ValidationError):
        services.complete(enrollment=three)
    assert [e.status for e in cohort.enrollments.order_by("pk")] == ["completed", "completed", "registered"]


def test_completion_needs_the_pass_mark_when_set(demo, kota_jambi_staff):
    cohort = CohortFactory(program=ProgramFactory(pass_mark=Decimal("70")))
    services.enroll_many(cohort=cohort, people=kota_jambi_staff[:3])
    low, none, high = cohort.enrollments.order_by("pk")
    services.set_scores(enrollment=low, pre_test=Decimal(50), post_test=Decimal("69.5"))
    services.set_scores(enrollment=high, pre_test=Decimal(50), post_test=Decimal(70))
    _attend(cohort)
    result = services.complete_cohort(cohort=cohort, today=cohort.end_date)
    assert (result.completed, result.not_completed) == (1, 2)
    assert Enrollment.objects.get(pk=high.pk).status == "completed"
    with pytest.raises(ValidationError):
        services.set_scores(enrollment=high, post_test=Decimal(101))
    # The message reads as people write scores: "69,5" and "70", not "69.50" and "70.00".
    with pytest.raises(ValidationError) as refused:
        services.complete(enrollment=Enrollment.objects.get(pk=low.pk))
    text = " ".join(refused.value.messages)
    assert "69,5" in text and "70" in text and "70.00" not in text and "70,00" not in text


def test_cohort_cannot_close_before_its_last_day(cohort):
    with pytest.raises(ValidationError):
        services.complete_cohort(cohort=cohort, today=cohort.end_date - dt.timedelta(days=1))


def test_certificates_numbered_once_and_only_for_completions(cohort, kota_jambi_staff):
    services.enroll_many(cohort=cohort, people=kota_jambi_staff[:4])
    enrollments = list(cohort.enrollments.order_by("pk"))
    _attend(cohort, {enrollments[3].pk: cohort.days})
    services.complete_cohort(cohort=cohort, today=cohort.end_date)
    with pytest.raises(ValidationError):
        services.issue_certificate(enrollment=enrollments[3])
    issued = services.issue_certificates(cohort=cohort, date=cohort.end_date)
    numbers = sorted(e.certificate_number for e in issued)
    assert numbers == [f"15.71/P{cohort.program_id}-1/2026/{n:04d}" for n in (1, 2, 3)]
    assert services.issue_certificates(cohort=cohort) == []  # again: nothing new
    assert cohort.enrollments.filter(status="not_completed", certificate_number="").count() == 1


def test_every_attendance_change_is_kept_with_who_and_when(cohort, kota_jambi_staff, django_user_model):
    services.enroll_many(cohort=cohort, people=kota_jambi_staff[:2])
    first, second = cohort.enrollments.order_by("pk")
    staff = django_user_model.objects.get(username="staf.kotajambi")
    admin = django_user_model.objects.get(username="admin.provinsi")
    services.mark_attendance(cohort=cohort, day=cohort.start_date, absent=[first.pk], recorded_by=staff)
    services.mark_attendance(cohort=cohort, day=cohort.start_date, absent=[], recorded_by=admin)
    changes = Attendance.history.filter(enrollment_id=first.pk).order_by("history_date", "history_id")
    assert [(c.history_type, c.present, c.history_user.username) for c in changes] == [
        ("+", False, "staf.kotajambi"),
        ("~", True, "admin.provinsi"),
    ]
    assert Attendance.history.filter(enrollment_id=second.pk).count() == 1


def test_enroll_many_problems_carry_the_position_in_the_list(cohort, kota_jambi_staff):
    """What the spreadsheet import needs to report row numbers."""
    member = BoardMember.objects.first()
    people = kota_jambi_staff[:2] + [member] + kota_jambi_staff[:1]
    with pytest.raises(ValidationError) as error:
        services.enroll_many(cohort=cohort, people=people)
    assert [index for index, _message in error.value.problems] == [2]
    result = services.enroll_many(cohort=cohort, people=kota_jambi_staff[:2] + kota_jambi_staff[:1])
    assert len(result.created) == 2
