import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.assistants.factories import AssistantFactory
from tests.threads import run_together
from trainings import services

from .factories import CohortFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks)"),
]


def test_two_offices_enrolling_at_once_cannot_overfill_a_cohort(small_jambi, monkeypatch):
    # Widen the window between counting the free places and writing, as a slow request would.
    real_write = services.bulk_create_with_history

    def slow_write(*args, **kwargs):
        time.sleep(0.3)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "bulk_create_with_history", slow_write)
    cohort = CohortFactory(capacity=10, region_id="15")
    staff = AssistantFactory.create_batch(12)
    halves = [staff[:6], staff[6:]]
    ok, full, errors = run_together(
        [lambda half=half: services.enroll_many(cohort=cohort, people=half) for half in halves], refusal=ValidationError
    )
    assert errors == []
    assert (ok, full) == (1, 1)
    assert cohort.enrollments.count() == 6
