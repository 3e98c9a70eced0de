"""Jobs through real worker processes on each database: two workers never run one job twice; a
worker killed with SIGKILL in the middle of writing leaves the database as it was, and its job
is shown as failed, not running for ever (PostgreSQL: the transaction dies with the connection)."""

import signal

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cooperatives.models import Cooperative
from imports.jobs import KIND
from jobs import services
from jobs.models import Job
from tests.cooperatives.factories import cooperatives_in
from tests.imports.files import xlsx
from tests.jobs.worker import enqueued_for_workers, start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def import_job(user, cooperatives, add, background=True):
    rows = [["Kode Desa", "Jumlah Anggota"]] + [[c.village_id, c.members_count + add] for c in cooperatives]
    return services.create(
        user=user,
        kind=KIND,
        label="anggota.xlsx",
        params={"kind": "cooperatives"},
        step="check",
        input_name="anggota.xlsx",
        input_bytes=xlsx(rows),
        background=background,
    )


def test_two_workers_never_run_one_job_twice(small_jambi):
    cooperatives = cooperatives_in("15.71", 3)
    user = small_jambi["admin.provinsi"]
    jobs = [import_job(user, cooperatives, add) for add in range(1, 7)]
    with enqueued_for_workers():
        for job in jobs:
            services.start(job)
    assert {job.status for job in jobs} == {Job.Status.QUEUED}
    workers = [start_worker("--batch", "--interval", "0") for _ in range(2)]
    for worker in workers:
        output = worker.communicate(timeout=120)[0].decode()
        assert worker.returncode == 0, output
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.READY and job.runs == 1, (job.status, job.runs, job.message)
        assert job.result["counts"]["updated"] == 3
    results = DBTaskResult.objects.filter(args_kwargs__args__0__in=[str(j.pk) for j in jobs])
    assert results.count() == 6
    assert all(r.status == "SUCCESSFUL" and len(r.worker_ids) == 1 for r in results)


def pg_connect(autocommit=True):
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
        autocommit=autocommit,
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)")
def test_a_worker_killed_while_writing_leaves_nothing_written_and_its_job_failed(small_jambi, settings):
    cooperatives = cooperatives_in("15.71", 40)
    before = dict(Cooperative.objects.values_list("pk", "members_count"))
    user = small_jambi["admin.provinsi"]
    job = import_job(user, cooperatives, add=5, background=False)
    services.start(job)  # the check, here
    assert job.status == Job.Status.READY and job.result["counts"]["updated"] == 40
    Job.objects.filter(pk=job.pk).update(background=True)
    job.refresh_from_db()
    assert services.queue_step(job, "write")
    history = Cooperative.history.model._meta.db_table
    with pg_connect(autocommit=False) as blocker:
        # The worker's UPDATE of the cooperatives goes through; its history INSERT then waits
        # here, in the middle of the one transaction, until the worker is killed.
        blocker.execute(f'LOCK TABLE "{history}" IN EXCLUSIVE MODE')
        with enqueued_for_workers():
            services.start(job)
        worker = start_worker("--interval", "0.2")
        try:
            with pg_connect() as watcher:
                wait_for(
                    lambda: watcher.execute(
                        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND query ILIKE 'INSERT%%'"
                    ).fetchone(),
                    what="the worker waiting inside its write",
                )
            running = Job.objects.get(pk=job.pk)
            assert running.status == Job.Status.RUNNING and running.step == "write"
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        blocker.rollback()  # the lock goes; the dead worker's backend finds its client gone
    with pg_connect() as watcher:
        wait_for(
            lambda: (
                not watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND query ILIKE 'INSERT%%' AND state <> 'idle'"
                ).fetchone()
            ),
            what="the killed worker's transaction to end",
        )
    assert dict(Cooperative.objects.values_list("pk", "members_count")) == before
    assert Cooperative.history.filter(history_type="~").count() == 0

    settings.KDKMP_JOB_STALE_SECONDS = 1
    client = Client()
    client.force_login(user)
    state = wait_for(
        lambda: (s := client.get(reverse("jobs:progress", args=[job.pk])).json())["status"] == "failed" and s,
        timeout=20,
        what="the job shown as failed",
    )
    assert not state["active"]
    task = DBTaskResult.objects.get(args_kwargs__args__0=str(job.pk), task_path__endswith="run_job")
    assert task.status == "FAILED"  # the queue's own row, not RUNNING for ever
    assert "tidak lagi menjawab" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
