"""Concurrent requests against the 1:10 rule, with real threads and connections.

On PostgreSQL the BA row lock and the partial unique index decide; on SQLite every write
transaction takes the database lock at BEGIN (IMMEDIATE) and waits for it, so the same tests
also show that ordinary concurrent use does not fail with "database is locked".
"""
import threading

import pytest
from django.db import connection

from assistants import services
from assistants.models import Assignment
from cooperatives.models import Cooperative
from tests.factories import AssistantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs):
    """Start every job at the same moment; return (successes, refusals, other errors)."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def worker(job):
        try:
            barrier.wait()
            job()
            results.append("ok")
        except services.AssignmentRefused:
            results.append("refused")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results.count("ok"), results.count("refused"), [r for r in results if r not in ("ok", "refused")]


@pytest.fixture
def kerinci_free(demo):
    """30 Kerinci cooperatives without a BA."""
    cooperatives = list(Cooperative.objects.filter(village__code__startswith="15.01.").order_by("village")[:30])
    Assignment.objects.filter(cooperative__in=cooperatives).delete()
    return cooperatives


def test_thirty_threads_one_ba_with_ten_places(kerinci_free):
    ba = AssistantFactory(work_area_id="15.01")
    jobs = [lambda c=c: services.assign(assistant=ba, cooperative=c, by=None) for c in kerinci_free]
    ok, refused, errors = run_together(jobs)
    assert errors == []
    assert (ok, refused) == (10, 20)
    assert Assignment.objects.active().filter(assistant=ba).count() == 10


def test_ten_threads_one_cooperative_ten_bas(kerinci_free):
    bas = [AssistantFactory(work_area_id="15.01") for _ in range(10)]
    cooperative = kerinci_free[0]
    jobs = [lambda b=b: services.assign(assistant=b, cooperative=cooperative, by=None) for b in bas]
    ok, refused, errors = run_together(jobs)
    assert errors == []
    assert (ok, refused) == (1, 9)
    assert Assignment.objects.active().filter(cooperative=cooperative).count() == 1
