"""The cohort's score grid: every participant on one page, saved at once, all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistants.models import Assistant
from core.validators import parse_score
from trainings import services
from trainings.models import Cohort, Enrollment

from .factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(demo):
    """A Kota Jambi staff cohort (editable by staf.kotajambi) with its 11 people registered."""
    cohort = CohortFactory(program=ProgramFactory(pass_mark=Decimal(70)), start_date=dt.date(2026, 3, 2))
    services.enroll_many(cohort=cohort, people=Assistant.objects.filter(work_area_id="15.71", status="active"))
    return cohort


def sheet(cohort):
    return reverse("trainings:score_sheet", args=[cohort.pk])


def posted(cohort, scores):
    """The whole sheet as the browser sends it: every row, with `scores` {pk: (pre, post)} typed."""
    data = {}
    for enrollment in cohort.enrollments.all():
        pre, post = scores.get(enrollment.pk, ("", ""))
        data[f"pre-{enrollment.pk}"], data[f"post-{enrollment.pk}"] = pre, post
    return data


@pytest.mark.parametrize(
    "text, expected",
    [("85", Decimal(85)), ("85,5", Decimal("85.5")), ("85.5", Decimal("85.5")), (" ", None), (70.0, Decimal("70.0"))],
)
def test_scores_are_read_as_people_type_them(text, expected):
    assert parse_score(text) == expected


@pytest.mark.parametrize("text", ["delapan", "85%", "1.000", "8 5", True])
def test_what_is_not_a_score_is_refused(text):
    with pytest.raises(ValueError):
        parse_score(text)


def test_the_sheet_lists_every_participant_with_their_scores(login, cohort):
    first = cohort.enrollments.order_by("pk").first()
    services.set_scores(enrollment=first, pre_test=Decimal("55.50"), post_test=Decimal(100))
    response = login("staf.kotajambi").get(sheet(cohort))
    assert response.status_code == 200 and response.context["editable"]
    assert len(response.context["rows"]) == cohort.enrollments.count() == 11
    html = response.content.decode()
    assert f'name="pre-{first.pk}" value="55,5"' in html and f'name="post-{first.pk}" value="100"' in html
    assert html.count('name="pre-') == 11 and 'id="save-scores"' in html


def test_saving_the_sheet_writes_every_row_once_with_its_author(login, cohort):
    client = login("staf.kotajambi")
    a, b = cohort.enrollments.order_by("pk")[:2]
    response = client.post(sheet(cohort), posted(cohort, {a.pk: ("50", "85,5"), b.pk: ("", "70")}))
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.pre_test, a.post_test, b.pre_test, b.post_test) == (50, Decimal("85.5"), None, 70)
    assert Enrollment.history.filter(id=a.pk, history_type="~").get().history_user.username == "staf.kotajambi"
    # Saving the same sheet again changes nothing and records nothing.
    client.post(sheet(cohort), posted(cohort, {a.pk: ("50", "85,5"), b.pk: ("", "70")}))
    assert Enrollment.history.filter(id=a.pk, history_type="~").count() == 1


def test_one_refused_row_saves_nothing_and_keeps_what_was_typed(login, cohort):
    a, b, c = cohort.enrollments.order_by("pk")[:3]
    response = login("staf.kotajambi").post(
        sheet(cohort), posted(cohort, {a.pk: ("50", "80"), b.pk: ("40", "120"), c.pk: ("tujuh", "")})
    )
    assert response.status_code == 200
    rows = {row.enrollment.pk: row for row in response.context["rows"]}
    assert rows[b.pk].errors == ["Post-test harus di antara 0 dan 100."]
    assert rows[c.pk].errors == ["Nilai adalah angka 0 sampai 100, misalnya 85 atau 85,5."] and not rows[a.pk].errors
    assert (rows[a.pk].pre_test, rows[b.pk].post_test, rows[c.pk].pre_test) == ("50", "120", "tujuh")
    assert not cohort.enrollments.exclude(pre_test=None).exists()  # nothing written, not even a's row
    assert response.content.decode().count("data-row-error") == 2


def test_a_completed_participant_keeps_a_passing_post_test(cohort):
    enrollment = cohort.enrollments.order_by("pk").first()
    services.set_scores(enrollment=enrollment, post_test=Decimal(80))
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        services.set_scores_many(cohort=cohort, scores={enrollment.pk: (None, Decimal(60))})
    assert "nilai lulus 70" in " ".join(refused.value.message_dict[enrollment.pk])
    services.set_scores_many(cohort=cohort, scores={enrollment.pk: (Decimal(40), Decimal(90))})  # still passing


def test_scores_of_another_cohorts_participant_are_refused(cohort, demo):
    other = Enrollment.objects.exclude(cohort=cohort).first()
    with pytest.raises(ValidationError) as refused:
        services.set_scores_many(cohort=cohort, scores={other.pk: (Decimal(50), Decimal(50))})
    assert other.pk in refused.value.message_dict
    assert Enrollment.objects.get(pk=other.pk).pre_test == other.pre_test


def test_who_follows_a_cohort_sees_the_sheet_but_cannot_save_it(login, demo):
    province = Cohort.objects.get(region_id="15", program__audience="staff")
    client = login("staf.kotajambi")
    response = client.get(sheet(province))
    assert response.status_code == 200 and not response.context["editable"]
    assert 'id="save-scores"' not in response.content.decode()
    assert client.post(sheet(province), {}).status_code == 404


def test_the_province_sheet_of_218_runs_a_fixed_number_of_queries(login, demo, django_assert_max_num_queries):
    province = Cohort.objects.get(region_id="15", program__audience="staff")
    client = login("admin.provinsi")
    with django_assert_max_num_queries(12):
        response = client.get(sheet(province))
    assert len(response.context["rows"]) == 218
