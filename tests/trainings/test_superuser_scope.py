"""A superuser's scope is the whole nation: every cohort and every participant (issue 16: the
cohort scoping once turned "everything" into an empty filter, so national lists were empty)."""

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import Region
from tests.factories import UserFactory
from tests.trainings.factories import CohortFactory
from trainings.models import Cohort, Enrollment
from trainings.selectors import cohorts_for, participants_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(demo):
    return UserFactory(is_superuser=True)


@pytest.fixture
def cohorts(demo):
    """The demo's cohorts plus one in every kind of place: a province, a regency, another province."""
    Region.objects.get_or_create(code="32", defaults={"name": "JAWA BARAT", "level": Region.Level.PROVINCE})
    CohortFactory(region_id="15")
    CohortFactory(region_id="15.01")
    CohortFactory(region_id="32")
    return Cohort.objects.count()


def test_superuser_sees_every_cohort(superuser, cohorts):
    assert cohorts >= 5
    assert Cohort.objects.for_user(superuser).count() == cohorts
    assert cohorts_for(superuser).count() == cohorts


def test_superuser_sees_every_participant(superuser, cohorts):
    total = Enrollment.objects.count()
    assert total > 0
    assert participants_for(superuser).count() == total
    enrolled = sum(c.enrolled for c in cohorts_for(superuser))
    assert enrolled == Enrollment.objects.exclude(status=Enrollment.Status.WITHDRAWN).count()


def test_superuser_lists_are_not_empty(superuser, cohorts, client):
    client.force_login(superuser)
    page = client.get(reverse("trainings:cohort_list"))
    assert page.status_code == 200
    assert page.context["table"].paginator.count == cohorts
    page = client.get(reverse("trainings:participant_list"))
    assert page.status_code == 200
    assert page.context["table"].paginator.count == Enrollment.objects.count()


def test_the_widest_regional_scope_still_sees_its_province_only(cohorts):
    # No role has a national scope (a scope is a province or a regency): the province admin sees
    # Jambi's cohorts and the province cohorts above them, not Jawa Barat's.
    admin = User.objects.get(username="admin.provinsi")
    seen = set(Cohort.objects.for_user(admin).values_list("region_id", flat=True))
    assert "32" not in seen and {"15", "15.01"} <= seen
    regency = User.objects.get(username="staf.kerinci")
    seen = set(Cohort.objects.for_user(regency).values_list("region_id", flat=True))
    assert seen <= {"15", "15.01"} and "15" in seen


def test_no_scope_still_sees_nothing(cohorts):
    nobody = UserFactory()
    assert Cohort.objects.for_user(nobody).count() == 0
    assert participants_for(nobody).count() == 0
