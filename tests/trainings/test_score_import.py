"""Score columns in the participants import: new people enrolled with their scores, enrolled
people's scores updated, and set_scores_many's rules as row errors (all or nothing)."""

from decimal import Decimal

import pytest

from accounts.models import User
from assistants.models import Assistant
from imports.services import import_file
from tests.imports.files import error_codes, xlsx
from tests.trainings.factories import CohortFactory, ProgramFactory
from trainings import services
from trainings.models import Enrollment

pytestmark = pytest.mark.django_db
HEADERS = ["ID Angkatan", "NIK", "Nilai Pre-test", "Nilai Post-test"]


@pytest.fixture
def user(demo):
    return User.objects.get(username="staf.kotajambi")


@pytest.fixture
def cohort(demo):
    return CohortFactory(program=ProgramFactory(pass_mark=Decimal(70)))


def people(count):
    return list(Assistant.objects.filter(work_area_id="15.71", status="active").order_by("pk")[:count])


def run(rows, user):
    return import_file(
        kind="participants", data=xlsx([HEADERS, *rows]), file_name="nilai.xlsx", user=user, dry_run=False
    )


def scores(cohort):
    return {e.assistant_id: (e.pre_test, e.post_test) for e in cohort.enrollments.all()}


def test_new_people_are_enrolled_with_their_scores(user, cohort):
    a, b = people(2)
    report = run([[cohort.pk, a.nik, "55", "85,5"], [cohort.pk, b.nik, "", 90]], user)
    assert report.written and report.counts["new"] == 2, report.errors
    assert scores(cohort) == {a.pk: (55, Decimal("85.5")), b.pk: (None, 90)}


def test_enrolled_people_get_their_scores_updated_and_the_rest_is_unchanged(user, cohort):
    a, b, c = people(3)
    services.enroll_many(cohort=cohort, people=[a, b, c])
    services.set_scores(enrollment=cohort.enrollments.get(assistant=c), pre_test=Decimal(40), post_test=Decimal(75))
    report = run([[cohort.pk, a.nik, "60", "80"], [cohort.pk, c.nik, "40", "75"]], user)
    assert report.written and (report.counts["updated"], report.counts["unchanged"]) == (1, 1), report.errors
    assert scores(cohort) == {a.pk: (60, 80), b.pk: (None, None), c.pk: (40, 75)}
    assert (
        Enrollment.history.filter(id=cohort.enrollments.get(assistant=a).pk, history_type="~").get().history_user
        == user
    )


def test_only_the_score_column_in_the_file_changes(user, cohort):
    (a,) = people(1)
    services.enroll_many(cohort=cohort, people=[a])
    services.set_scores(enrollment=cohort.enrollments.get(), pre_test=Decimal(45), post_test=Decimal(60))
    data = xlsx([["ID Angkatan", "NIK", "Nilai Post-test"], [cohort.pk, a.nik, "88"]])
    report = import_file(kind="participants", data=data, file_name="x.xlsx", user=user, dry_run=False)
    assert report.written, report.errors
    assert scores(cohort) == {a.pk: (45, 88)}


def test_a_refused_score_is_a_row_error_and_nothing_is_written(user, cohort):
    a, b, c = people(3)
    services.enroll_many(cohort=cohort, people=[c])
    services.withdraw(enrollment=cohort.enrollments.get())
    report = run(
        [[cohort.pk, a.nik, "50", "80"], [cohort.pk, b.nik, "tujuh", "80"], [cohort.pk, c.nik, "", "90"]], user
    )
    assert not report.written
    # Row 3 does not read; row 4 is a withdrawn participant (the service's rule).
    assert error_codes(report) == [(3, "bad_score"), (4, "score_refused")]
    report = run([[cohort.pk, a.nik, "50", "120"]], user)
    assert not report.written and {e.code for e in report.errors} == {"score_refused"}
    assert "0" in report.errors[0].message and "100" in report.errors[0].message
    assert cohort.enrollments.filter(assistant=a).count() == 0  # not even enrolled
