"""Concurrent requests against the 1:10 rule, with real threads and connections.

On PostgreSQL the BA row lock and the partial unique index decide; on SQLite every write
transaction takes the database lock at BEGIN (IMMEDIATE) and waits for it, so the same tests
also show that ordinary concurrent use does not fail with "database is locked".
"""

import pytest

from assistants import services
from assistants.models import Assignment
from tests import threads
from tests.assistants.factories import AssistantFactory
from tests.cooperatives.factories import cooperatives_in

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs):
    return threads.run_together(jobs, refusal=services.AssignmentRefused)


@pytest.fixture
def kerinci_free(small_jambi):
    """30 Kerinci cooperatives without a BA."""
    return cooperatives_in("15.01", 30)


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


# --- imports racing each other and the pages ---------------------------------------------------


def import_assignments(pairs):
    """An assignment import of (BA, cooperative) rows by the province admin, as on the import page."""
    from accounts.models import User
    from imports.services import import_file
    from tests.imports.files import xlsx

    rows = [["NIK BA", "Kode Desa", "Tanggal Mulai", "Alasan"]]
    rows += [[ba.nik, cooperative.village_id, "03/11/2025", "impor bersamaan"] for ba, cooperative in pairs]
    return import_file(
        kind="assignments",
        data=xlsx(rows),
        file_name="f.xlsx",
        user=User.objects.get(username="admin.provinsi"),
        dry_run=False,
    )


def refusals(report):
    """(codes, text) of a report's errors: row errors when the rules saw the other writer (SQLite
    serialises whole imports), a file error when the write under the BA lock did (PostgreSQL)."""
    codes = [e.code for e in report.errors] + [code for code, _m in report.file_errors]
    return codes, " ".join([e.message for e in report.errors] + [m for _c, m in report.file_errors])


def test_two_imports_filling_one_ba_at_once_cannot_pass_the_cap(kerinci_free):
    """Each file alone fits (6 of 10 places); together they do not: one is written whole, the
    other is refused whole, naming the BA and the cap."""
    ba = AssistantFactory(work_area_id="15.01")
    reports = []
    jobs = [
        lambda part=part: reports.append(import_assignments([(ba, c) for c in part]))
        for part in (kerinci_free[:6], kerinci_free[6:12])
    ]
    ok, refused, errors = run_together(jobs)
    assert errors == [] and ok == 2
    assert sorted(report.written for report in reports) == [False, True]
    codes, text = refusals(next(report for report in reports if not report.written))
    assert set(codes) in ({"ba_full"}, {"invalid"}) and ba.name in text and "batas 10" in text
    assert Assignment.objects.active().filter(assistant=ba).count() == 6


def test_an_import_and_the_assign_page_racing_for_one_cooperative(kerinci_free):
    first, second = AssistantFactory(work_area_id="15.01"), AssistantFactory(work_area_id="15.01")
    cooperative = kerinci_free[0]
    reports = []
    jobs = [
        lambda: reports.append(import_assignments([(first, cooperative)])),
        lambda: services.assign(assistant=second, cooperative=cooperative, by=None),
    ]
    ok, refused, errors = run_together(jobs)
    assert errors == []
    assert Assignment.objects.active().filter(cooperative=cooperative).count() == 1
    winner = Assignment.objects.active().get(cooperative=cooperative).assistant
    (report,) = reports
    if winner == first:  # the import won: the page was refused
        assert report.written and refused == 1
    else:  # the page won: the import wrote nothing and says who has the cooperative
        assert not report.written and refused == 0
        codes, text = refusals(report)
        assert codes in (["cooperative_taken"], ["invalid"]) and second.name in text


def test_a_transfer_and_a_hand_over_of_the_same_ba_never_deadlock(kerinci_free, monkeypatch):
    """Review of issue 11: transfer locked the assignment row, then the BA; hand_over the BAs,
    then the assignments: opposite orders, a deadlock on PostgreSQL. Both now take BA locks
    first. The hold inside lock_assistants forces the interleaving that deadlocked (SQLite runs
    one writer at a time and must give a valid outcome too)."""
    import threading
    import time

    from django.db import connections

    first, second = AssistantFactory(work_area_id="15.01"), AssistantFactory(work_area_id="15.01")
    cooperative = kerinci_free[0]
    services.assign(assistant=first, cooperative=cooperative, by=None)
    original = services.lock_assistants

    def lock_slowly(assistants):
        if threading.current_thread().name == "transfer":
            time.sleep(0.5)  # the transfer's reads done, its locks late
            return original(assistants)
        locked = original(assistants)
        time.sleep(0.5)  # the hand-over holds its BA locks a while
        return locked

    monkeypatch.setattr(services, "lock_assistants", lock_slowly)
    outcomes = []

    def run(job):
        try:
            job()
            outcomes.append("ok")
        except services.AssignmentRefused:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    transfer = threading.Thread(
        name="transfer",
        target=run,
        args=(lambda: services.transfer(cooperative=cooperative, to_assistant=second, by=None, reason="mutasi"),),
    )
    hand_over = threading.Thread(
        name="hand_over",
        target=run,
        args=(
            lambda: services.hand_over(from_assistant=first, to_assistants=[second], by=None, reason="serah terima"),
        ),
    )
    transfer.start()
    time.sleep(0.1)
    hand_over.start()
    transfer.join(60)
    hand_over.join(60)
    assert sorted(outcomes) in (["ok", "ok"], ["ok", "refused"]), outcomes
    assert Assignment.objects.active().get(cooperative=cooperative).assistant == second
