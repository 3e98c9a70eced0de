import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import User
from trainings.models import Cohort, Enrollment
from trainings.selectors import cohort_composition

pytestmark = pytest.mark.django_db


def test_jambi_staff_cohort_reproduces_the_field_figures(demo):
    cohort = Cohort.objects.get(region_id="15", start_date=dt.date(2025, 10, 27))
    assert (cohort.end_date, cohort.venue, len(cohort.days)) == (dt.date(2025, 10, 31), "BPSDM Provinsi Jambi", 5)
    composition = cohort_composition(cohort, User.objects.get(username="kepala.dinas"))
    assert [(key, n) for _label, key, n in composition.groups] == [("PMO", 24), ("BA", 156), ("OTHER", 38)]
    assert composition.total == 218 and composition.capacity >= 218
    statuses = set(cohort.enrollments.values_list("status", flat=True))
    assert statuses == {"completed", "not_completed"}
    completed = cohort.enrollments.filter(status="completed")
    assert 0.85 < completed.count() / 218 < 1
    assert not completed.filter(certificate_number="").exists()
    assert cohort.enrollments.filter(status="not_completed").exclude(certificate_number="").count() == 0


def test_kota_jambi_board_training_covers_its_68_kkmp(demo):
    cohort = Cohort.objects.get(region_id="15.71", program__audience="board")
    members = Enrollment.objects.filter(cohort=cohort)
    assert members.values("board_member__cooperative").distinct().count() == 68
    assert members.count() == 68 * 5


def test_load_demo_again_changes_nothing(demo):
    before = (Cohort.objects.count(), Enrollment.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Cohort.objects.count(), Enrollment.objects.count()) == before
