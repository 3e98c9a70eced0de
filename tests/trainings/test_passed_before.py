"""People who already passed a program are skipped (and named) when enrolled again, refused in
an import, and enrolled again only when asked; people of the same name are told apart."""

import pytest
from django.urls import reverse

from accounts.models import User
from assistants.models import Assistant
from imports.services import import_file
from tests.factories import AssistantFactory
from tests.imports.files import xlsx
from trainings import services
from trainings.models import Enrollment

from .factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(demo):
    return ProgramFactory()


def kota_jambi_staff(count):
    return list(Assistant.objects.filter(work_area_id="15.71", status="active").order_by("pk")[:count])


def passed(program, people):
    first = CohortFactory(program=program, number=1)
    services.enroll_many(cohort=first, people=people)
    first.enrollments.update(status=Enrollment.Status.COMPLETED)
    return CohortFactory(program=program, number=2)


def test_who_passed_is_skipped_and_named(program):
    a, b, c = kota_jambi_staff(3)
    second = passed(program, [a])
    result = services.enroll_many(cohort=second, people=[a, b, c])
    assert result.passed == [a] and {e.assistant_id for e in result.created} == {b.pk, c.pk}
    # Not having completed (registered, not completed, withdrawn) is no pass.
    other = CohortFactory(program=program, number=3)
    assert len(services.enroll_many(cohort=other, people=[b, c]).created) == 2


def test_a_deliberate_repeat_enrols_them_and_another_program_does_not_count(program):
    (a,) = kota_jambi_staff(1)
    second = passed(program, [a])
    assert len(services.enroll_many(cohort=second, people=[a], passed="enroll").created) == 1
    assert len(services.enroll_many(cohort=CohortFactory(), people=[a]).created) == 1


def test_the_enrol_page_warns_and_the_box_enrols_them_again(login, program):
    a, b = kota_jambi_staff(2)
    second = passed(program, [a])
    client = login("staf.kotajambi")
    url = reverse("trainings:enroll", args=[second.pk])
    response = client.post(url, {"people": [a.pk, b.pk]}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any(a.name in text and "sudah lulus" in text for text in shown), shown
    assert list(second.enrollments.values_list("assistant_id", flat=True)) == [b.pk]
    client.post(url, {"people": [a.pk], "repeat_passed": "on"})
    assert set(second.enrollments.values_list("assistant_id", flat=True)) == {a.pk, b.pk}


def test_the_import_refuses_who_passed_as_a_row_error(program):
    a, b = kota_jambi_staff(2)
    second = passed(program, [a])
    user = User.objects.get(username="staf.kotajambi")
    data = xlsx([["ID Angkatan", "NIK"], [second.pk, b.nik], [second.pk, a.nik]])
    report = import_file(kind="participants", data=data, file_name="x.xlsx", user=user, dry_run=False)
    assert not report.written
    assert [(e.row, e.code) for e in report.errors] == [(3, "enroll_refused")]
    assert a.name in report.errors[0].message


def test_people_of_the_same_name_are_told_apart(login, demo):
    twins = [AssistantFactory(name="Ahmad Fauzi", role="BA", work_area_id="15.71") for _ in range(2)]
    cohort = CohortFactory()
    client = login("staf.kotajambi")
    form = client.get(reverse("trainings:enroll", args=[cohort.pk])).context["form"]
    labels = [label for pk, label in form.fields["people"].choices if pk in {t.pk for t in twins}]
    assert len(labels) == 2 and labels[0] != labels[1] and all(t.nik[-4:] in " ".join(labels) for t in twins)
    services.enroll_many(cohort=cohort, people=twins)
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert all(f"…{t.nik[-4:]}" in html for t in twins)
