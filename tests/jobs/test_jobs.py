"""Jobs inside one process: a large upload goes through a job (run at once by the test backend),
its page and progress, a dead worker's job shown as failed, a step run once, old jobs cleaned."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cooperatives.models import Cooperative
from jobs import registry, services
from jobs.models import Job
from tests.imports.files import xlsx

pytestmark = pytest.mark.django_db
PAGE = reverse("imports:import")


def upload(client, rows, name="koperasi.xlsx"):
    return client.post(PAGE, {"kind": "cooperatives", "file": SimpleUploadedFile(name, xlsx(rows))})


def test_a_large_upload_is_a_job_with_its_own_page_then_confirmed(login, settings):
    settings.KDKMP_IMPORT_BACKGROUND_BYTES = 100  # every test file is "large"
    client = login("admin.provinsi")
    cooperative = Cooperative.objects.filter(village__code__startswith="15.71").first()
    rows = [["Kode Desa", "Jumlah Anggota"], [cooperative.village_id, cooperative.members_count + 3]]
    response = upload(client, rows)
    job = Job.objects.get(user__username="admin.provinsi")
    assert job.background and response.status_code == 302
    assert response.url == reverse("imports:job", args=[job.pk])
    assert job.input_file.name.startswith("jobs/in/")  # in the storage backend, not a process folder

    page = client.get(response.url)  # the test backend ran the check already
    assert page.context["report"].confirmable
    assert 'id="confirm-import"' in page.content.decode()
    assert client.get(PAGE).context["jobs"][0] == job  # listed under the user's recent uploads

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.url == reverse("imports:job", args=[job.pk])
    done = client.get(response.url)
    assert 'id="import-done"' in done.content.decode()
    cooperative.refresh_from_db()
    assert cooperative.members_count == rows[1][1]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.runs == 2 and not job.input_file  # the upload is spent

    again = client.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    assert "sudah diimpor" in again.content.decode()


def running_job(user, **fields):
    fields = {"status": Job.Status.RUNNING, "background": True, "heartbeat_at": timezone.now(), **fields}
    return Job.objects.create(user=user, kind="import", label="besar.csv", params={"kind": "cooperatives"}, **fields)


def test_the_progress_answer_and_the_page_of_a_running_job(login):
    client = login("admin.provinsi")
    job = running_job(User.objects.get(username="admin.provinsi"), phase="validate", done=2000, total=8000)
    state = client.get(reverse("jobs:progress", args=[job.pk])).json()
    assert state["active"] and state["percent"] == 25
    assert state["text"] == "Memeriksa baris: 2.000 dari 8.000 (25%)"
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert f'data-job-progress="{reverse("jobs:progress", args=[job.pk])}"' in page
    assert '<progress class="w-100" max="100" value="25"' in page


def test_a_job_whose_worker_stopped_beating_is_shown_as_failed(login, settings):
    from django.db import connection

    settings.KDKMP_JOB_STALE_SECONDS = 60
    # On SQLite a worker's write pauses its heartbeats, so the limit there is longer.
    limit = 60 * (services.SQLITE_STALE_FACTOR if connection.vendor == "sqlite" else 1)
    client = login("admin.provinsi")
    user = User.objects.get(username="admin.provinsi")
    alive = running_job(user, heartbeat_at=timezone.now() - dt.timedelta(seconds=limit - 30))
    dead = running_job(user, heartbeat_at=timezone.now() - dt.timedelta(seconds=limit + 30))
    inline = running_job(user, background=False, heartbeat_at=timezone.now() - dt.timedelta(seconds=limit + 30))
    inline_old = running_job(
        user,
        background=False,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=services.INLINE_STALE_SECONDS + limit),
    )
    assert client.get(reverse("jobs:progress", args=[inline_old.pk])).json()["status"] == "failed"  # its request died
    assert client.get(reverse("jobs:progress", args=[inline.pk])).json()["status"] == (
        "running" if limit < services.INLINE_STALE_SECONDS else "failed"
    )
    assert client.get(reverse("jobs:progress", args=[alive.pk])).json()["status"] == "running"
    state = client.get(reverse("jobs:progress", args=[dead.pk])).json()
    assert state["status"] == "failed" and not state["active"]
    page = client.get(reverse("imports:job", args=[dead.pk])).content.decode()
    assert "tidak lagi menjawab" in page and 'id="job-failed"' in page


def test_a_queued_job_no_worker_takes_is_failed_in_time(login, settings):
    """No worker runs: the job does not wait for ever; a worker starting later leaves it alone."""
    settings.KDKMP_JOB_QUEUE_SECONDS = 600
    client = login("admin.provinsi")
    user = User.objects.get(username="admin.provinsi")
    waiting = running_job(user, status=Job.Status.QUEUED, heartbeat_at=timezone.now() - dt.timedelta(seconds=590))
    forgotten = running_job(user, status=Job.Status.QUEUED, heartbeat_at=timezone.now() - dt.timedelta(seconds=610))
    assert client.get(reverse("jobs:progress", args=[waiting.pk])).json()["status"] == "queued"
    state = client.get(reverse("jobs:progress", args=[forgotten.pk])).json()
    assert state["status"] == "failed" and not state["active"]
    page = client.get(reverse("imports:job", args=[forgotten.pk])).content.decode()
    assert 'id="job-failed"' in page and "Tidak ada worker yang mengambil" in page
    services.run(str(forgotten.pk))  # the worker that finally starts
    forgotten.refresh_from_db()
    assert forgotten.status == Job.Status.FAILED and forgotten.message == "not_taken"


def test_another_users_job_is_not_found(login):
    owner = User.objects.get(username="admin.provinsi")
    job = running_job(owner)
    other = Client()
    other.force_login(User.objects.create_superuser("root", password="x"))
    for name in ("jobs:progress", "jobs:download", "imports:job", "imports:failed_rows"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert other.post(reverse("imports:confirm", args=[job.pk])).status_code == 404


def test_a_step_runs_once_and_a_crash_is_a_failure_not_a_running_job(db, monkeypatch):
    user = User.objects.get(username="admin.provinsi")
    calls = []

    def runner(job, progress):
        calls.append(job.pk)
        progress("write", 1, 2)
        return Job.Status.DONE

    monkeypatch.setitem(registry._RUNNERS, "test", runner)
    job = services.create(user=user, kind="test", label="x", background=False)
    services.run(str(job.pk))
    services.run(str(job.pk))  # delivered twice: the second finds it taken
    job.refresh_from_db()
    assert calls == [job.pk] and job.runs == 1 and job.status == Job.Status.DONE

    monkeypatch.setitem(registry._RUNNERS, "test", lambda job, progress: 1 / 0)
    broken = services.create(user=user, kind="test", label="y", background=False)
    services.run(str(broken.pk))
    broken.refresh_from_db()
    assert broken.status == Job.Status.FAILED and "kesalahan di server" in services.failure_text(broken).lower()


def test_finished_jobs_and_their_files_are_removed_after_the_keeping_time(db, settings):
    settings.KDKMP_JOB_KEEP_HOURS = 24
    user = User.objects.get(username="admin.provinsi")
    old = services.create(user=user, kind="import", label="a", background=True, input_bytes=b"x", input_name="a.csv")
    storage, name = old.input_file.storage, old.input_file.name
    Job.objects.filter(pk=old.pk).update(status=Job.Status.DONE, created_at=timezone.now() - dt.timedelta(hours=25))
    still_running = running_job(user)
    Job.objects.filter(pk=still_running.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert storage.exists(name)
    assert services.clean_old() == 1
    assert not storage.exists(name)
    assert list(Job.objects.values_list("pk", flat=True)) == [still_running.pk]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_large_export_is_a_job_then_a_download_of_every_filtered_row(login, settings, fmt):
    import io

    from openpyxl import load_workbook

    settings.KDKMP_EXPORT_BACKGROUND_ROWS = 10
    client = login("staf.kotajambi")
    expected = Cooperative.objects.filter(village__code__startswith="15.71").count()
    assert expected > 10
    response = client.get(reverse("cooperatives:export", args=[fmt]))
    job = Job.objects.get(user__username="staf.kotajambi", kind="export")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'id="job-done"' in page and f"{expected} baris" in page
    assert job.label in client.get(reverse("jobs:list")).content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Disposition"].endswith(f'{job.label}"')
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).active.values)
    else:
        rows = content.decode("utf-8-sig").splitlines()
    assert len(rows) == expected + 1  # the header and every row of the staff's regency


def test_an_export_job_rechecks_the_right_to_export_when_it_runs(login, settings):
    from django.contrib.auth.models import Group

    settings.KDKMP_EXPORT_BACKGROUND_ROWS = 10
    user = User.objects.get(username="staf.kotajambi")
    job = services.create(
        user=user,
        kind="export",
        label="koperasi.csv",
        background=False,
        params={"view": "cooperatives.views.CooperativeExportView", "fmt": "csv", "download_name": "k.csv"},
    )
    user.groups.set(Group.objects.none())  # no longer allowed to see cooperatives
    user = User.objects.get(pk=user.pk)
    job.user = user
    job.save()
    services.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.output_file
    assert "tidak lagi diizinkan" in services.failure_text(job)


def test_a_job_no_worker_takes_says_so_after_a_while(login, settings):
    settings.KDKMP_JOB_STALE_SECONDS = 60
    client = login("admin.provinsi")
    job = Job.objects.create(user=User.objects.get(username="admin.provinsi"), kind="import", background=True)
    assert "Menunggu" in client.get(reverse("jobs:progress", args=[job.pk])).json()["text"]
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert "administrator" in client.get(reverse("jobs:progress", args=[job.pk])).json()["text"]


def test_the_same_export_asked_again_while_running_is_the_same_job_and_active_exports_are_capped(login, settings):
    from core.list_pages import MAX_ACTIVE_EXPORTS

    settings.KDKMP_EXPORT_BACKGROUND_ROWS = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nobody runs them
    client = login("staf.kotajambi")
    url = reverse("cooperatives:export", args=["csv"])
    first = client.get(url)
    assert client.get(url).url == first.url  # a reload: the job already queued
    assert Job.objects.filter(kind="export").count() == 1
    for n in range(MAX_ACTIVE_EXPORTS - 1):
        client.get(url, {"ulang": n})  # another query string, the same rows
    refused = client.get(url, {"ulang": "lagi"}, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("jobs:list")
    assert Job.objects.filter(kind="export").count() == MAX_ACTIVE_EXPORTS
    assert "Tunggu" in refused.content.decode()


def test_an_import_job_rechecks_the_right_to_import_when_it_runs(login):
    user = User.objects.get(username="admin.provinsi")
    job = services.create(
        user=user,
        kind="import",
        label="a.xlsx",
        params={"kind": "cooperatives"},
        step="check",
        input_name="a.xlsx",
        input_bytes=xlsx([["Kode Desa", "Jumlah Anggota"]]),
        background=False,
    )
    User.objects.filter(pk=user.pk).update(is_active=False)  # the account closed meanwhile
    job.user = User.objects.get(pk=user.pk)
    job.save()
    services.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == "forbidden"


@pytest.mark.parametrize("jobs", [1, 12])
def test_job_pages_run_a_fixed_number_of_queries(login, django_assert_max_num_queries, jobs):
    """The same ceiling for 1 job and for 12 (some of them running), on every job page."""
    client = login("admin.provinsi")
    user = User.objects.get(username="admin.provinsi")
    made = [running_job(user, phase="validate", done=n, total=100) for n in range(jobs)]
    finished = Job.objects.create(user=user, kind="export", label="k.csv", status=Job.Status.DONE, result={"rows": 3})
    pages = [
        reverse("jobs:list"),
        reverse("imports:import"),
        reverse("imports:job", args=[made[0].pk]),
        reverse("jobs:progress", args=[made[0].pk]),
        reverse("jobs:detail", args=[finished.pk]),
    ]
    for url in pages:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
