import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assistants.models import Assistant
from cooperatives.models import BoardMember
from trainings.models import Cohort, Enrollment, TrainingProgram

from .factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_enrollment_needs_exactly_one_person(demo):
    cohort = CohortFactory()
    assistant = Assistant.objects.first()
    member = BoardMember.objects.first()
    for kwargs in ({}, {"assistant": assistant, "board_member": member}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrollment.objects.create(cohort=cohort, region_id="15.71", **kwargs)
    with pytest.raises(ValidationError):
        Enrollment(cohort=cohort, region_id="15.71").full_clean()


def test_nobody_twice_in_a_cohort_even_past_the_services(demo):
    cohort = CohortFactory()
    assistant = Assistant.objects.first()
    Enrollment.objects.create(cohort=cohort, assistant=assistant, region_id=assistant.work_area_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(cohort=cohort, assistant=assistant, region_id=assistant.work_area_id)


def test_certificate_only_for_completion_and_unique(demo):
    cohort = CohortFactory()
    a, b = Assistant.objects.all()[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(cohort=cohort, assistant=a, region_id="15", certificate_number="X/1")
    Enrollment.objects.create(cohort=cohort, assistant=a, region_id="15", status="completed", certificate_number="X/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            cohort=cohort, assistant=b, region_id="15", status="completed", certificate_number="X/1"
        )
    # Many enrollments without a certificate are fine.
    Enrollment.objects.create(cohort=cohort, assistant=b, region_id="15")


def test_cohort_dates_and_days(demo):
    cohort = CohortFactory.build(start_date=dt.date(2025, 10, 27), end_date=dt.date(2025, 10, 31))
    assert len(cohort.days) == 5 and cohort.days[0] == dt.date(2025, 10, 27)
    cohort.end_date = dt.date(2025, 10, 26)
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert "end_date" in error.value.message_dict


def test_cohort_must_be_held_by_a_province_or_regency(demo):
    cohort = CohortFactory.build(region_id="15.71.01")
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert "region" in error.value.message_dict


def test_positions_only_for_board_programs(demo):
    program = ProgramFactory.build(audience=TrainingProgram.Audience.STAFF, positions=["KETUA"])
    with pytest.raises(ValidationError):
        program.full_clean()
    program.audience = TrainingProgram.Audience.BOARD
    program.full_clean()
    program.positions = ["PRESIDEN"]
    with pytest.raises(ValidationError):
        program.full_clean()


def test_cohort_scope_includes_the_province_above(login):
    from accounts.models import User

    staff = User.objects.get(username="staf.kotajambi")
    kerinci = User.objects.get(username="staf.kerinci")
    regions = set(Cohort.objects.for_user(staff).values_list("region_id", flat=True))
    assert regions == {"15", "15.71"}
    assert set(Cohort.objects.for_user(kerinci).values_list("region_id", flat=True)) == {"15"}
    assert set(Cohort.objects.editable_by(staff).values_list("region_id", flat=True)) == {"15.71"}
    assert not Cohort.objects.editable_by(kerinci).exists()


def test_constraint_messages_render(demo):
    """Django formats violation messages with %; a stray % would crash instead of explaining."""
    for model in (TrainingProgram, Cohort, Enrollment):
        for constraint in model._meta.constraints:
            assert constraint.get_violation_error_message()
