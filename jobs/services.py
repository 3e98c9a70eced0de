"""Starting, running and watching jobs. One path for every job kind and both ways of running:
small work runs inside the request (`background=False`), large work is enqueued for a worker
(django-tasks with its database backend, `manage.py db_worker`); either way `run` does it.

Rules kept here:
- a step runs once: `run` claims the job with an atomic QUEUED → RUNNING update, so a second
  worker (or a task delivered twice) finds nothing to do; a confirm is the atomic READY → QUEUED
  update of `queue_step`, so two clicks confirm once;
- a job whose worker died (SIGKILL, a lost machine) stops sending heartbeats and is shown as
  failed after KDKMP_JOB_STALE_SECONDS (`expire_stale`), never "running" for ever; what it was
  writing was one transaction, which the database rolled back when the connection dropped;
- a job no worker takes (none runs) is failed after KDKMP_JOB_QUEUE_SECONDS, never "waiting"
  for ever; a worker that starts later finds it failed and leaves it;
- finished jobs and their files are removed after KDKMP_JOB_KEEP_HOURS (`clean_old`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, OperationalError, connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import Job

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
SQLITE_STALE_FACTOR = 10
INLINE_STALE_SECONDS = 600

# The codes a failed job can carry, in words for the page.
FAILURES = {
    "crashed": _("The job stopped because of an error on the server. Nothing was saved; please try again."),
    "forbidden": _("You are no longer allowed to do this; nothing was done."),
    "worker_lost": _(
        "The job stopped: the worker running it is no longer answering. Nothing was saved; please try again."
    ),
    "not_taken": _(
        "No worker took this job in time (none may be running). Nothing was done; please try again, or tell"
        " the administrator if it happens again."
    ),
}


def create(
    *,
    user: User,
    kind: str,
    label: str,
    background: bool,
    params: dict[str, Any] | None = None,
    step: str = "",
    input_name: str = "",
    input_bytes: bytes | None = None,
) -> Job:
    """A queued job (with its input file in the storage backend); `start` runs it."""
    clean_old()
    job = Job(user=user, kind=kind, label=label[:255], params=params or {}, step=step, background=background)
    if input_bytes is not None:
        job.input_file.save(input_name or "upload", ContentFile(input_bytes), save=False)
    job.save()
    return job


def start(job: Job) -> None:
    """Run the job: now, inside this request, or by a worker."""
    if job.background:
        from .tasks import run_job  # the task module imports this one

        run_job.enqueue(str(job.pk))
    else:
        run(str(job.pk))
    job.refresh_from_db()


def queue_step(job: Job, step: str) -> bool:
    """Move a checked job on to its next step (an import's confirm). True for exactly one caller."""
    moved = Job.objects.filter(pk=job.pk, status=Job.Status.READY).update(
        status=Job.Status.QUEUED, step=step, phase="", done=0, total=0, heartbeat_at=timezone.now()
    )
    if moved:
        job.refresh_from_db()
    return bool(moved)


def run(job_id: str) -> None:
    """Do the job's current step (the task body; also called inline). A step already claimed by
    another worker is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, runs=F("runs") + 1, heartbeat_at=now, message=""
    )
    if not claimed:
        logger.info("job %s: already taken or not waiting", job_id)
        return
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        with progress.heartbeat():
            status = registry.runner(job.kind)(job, progress)
    except PermissionDenied:
        finish(job, Job.Status.FAILED, message="forbidden")
        return
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        finish(job, Job.Status.FAILED, message="crashed")
        return
    finish(job, status)


def finish(job: Job, status: str, *, message: str = "") -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now() if status in (Job.Status.DONE, Job.Status.FAILED) else None
    job.heartbeat_at = timezone.now()
    fields = ["status", "step", "message", "finished_at", "heartbeat_at", "result", "input_file", "output_file"]
    fields.append("params")
    job.save(update_fields=fields)


def save_output(job: Job, name: str, data: bytes | File) -> None:
    """The job's file (failed rows, an export) into the storage backend, replacing any earlier."""
    if job.output_file:
        job.output_file.delete(save=False)
    job.output_file.save(name, data if isinstance(data, File) else ContentFile(data), save=False)


def failure_text(job: Job) -> str:
    return str(FAILURES.get(job.message, FAILURES["crashed"]))


class Progress:
    """The callback a runner reports through: progress(phase, done, total). In a worker the
    figures are written, at most once a second, by a thread on its own database connection, so
    they are seen while the job's own transaction is still open; inside a request nobody is
    watching, so nothing is written."""

    INTERVAL = 1.0
    HEARTBEAT = 10.0

    def __init__(self, job: Job):
        self.job = job
        self.state = ("", 0, 0)
        self._stop = threading.Event()

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.state = (phase, int(done), int(total))

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        if not self.job.background:
            yield
            return
        thread = threading.Thread(target=self._beat, name=f"job-{self.job.pk}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join(timeout=30)

    def _beat(self) -> None:
        from django.db import connection as thread_connection  # this thread's own connection

        if thread_connection.vendor == "sqlite":
            try:  # while the job's transaction holds SQLite's one write lock, skip a beat, don't wait
                with thread_connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 200")
            except DatabaseError:
                pass
        written, last_beat = None, 0.0
        try:
            while True:
                stopping = self._stop.wait(self.INTERVAL)
                state = self.state
                if state != written or time.monotonic() - last_beat > self.HEARTBEAT:
                    phase, done, total = state
                    try:
                        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(
                            phase=phase, done=done, total=total, heartbeat_at=timezone.now()
                        )
                        written, last_beat = state, time.monotonic()
                    except DatabaseError:
                        logger.debug("job %s: progress not written this time", self.job.pk, exc_info=True)
                if stopping:
                    return
        finally:
            thread_connection.close()


def expire_stale(queryset: QuerySet[Job] | None = None) -> int:
    """Running jobs whose worker stopped beating, and queued ones no worker took, are failed (see
    the module's docstring)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    seconds = settings.KDKMP_JOB_STALE_SECONDS
    if connection.vendor == "sqlite":
        # A worker's write holds SQLite's one write lock, so its heartbeats pause meanwhile.
        seconds *= SQLITE_STALE_FACTOR
    cutoff = now - dt.timedelta(seconds=seconds)
    # A job run inside a request has no heartbeat: it is dead once no request can still be
    # running it (gunicorn cuts a request at 60 s).
    inline_cutoff = now - dt.timedelta(seconds=max(seconds, INLINE_STALE_SECONDS))
    queryset = Job.objects.all() if queryset is None else queryset
    dead = Q(background=True, heartbeat_at__lt=cutoff) | Q(background=False, heartbeat_at__lt=inline_cutoff)
    # queue_step stamps the heartbeat when it queues: a queued job's heartbeat is its queueing time.
    not_taken = Q(heartbeat_at__lt=now - dt.timedelta(seconds=settings.KDKMP_JOB_QUEUE_SECONDS))
    try:
        stale = [str(pk) for pk in queryset.filter(dead, status=Job.Status.RUNNING).values_list("pk", flat=True)]
        waiting = [str(pk) for pk in queryset.filter(not_taken, status=Job.Status.QUEUED).values_list("pk", flat=True)]
        if not stale and not waiting:
            return 0
        failed = Job.objects.filter(dead, pk__in=stale, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message="worker_lost", finished_at=now
        )
        failed += Job.objects.filter(not_taken, pk__in=waiting, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED, message="not_taken", finished_at=now
        )
    except OperationalError:  # SQLite busy with a write: look again at the next poll
        logger.info("stale jobs not checked: database busy", exc_info=True)
        return 0
    # The queue's own rows would say RUNNING or READY for ever: they failed too (a worker that
    # starts later then skips them; `run` would find the job failed anyway).
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, args_kwargs__args__0__in=stale).update(
        status=TaskResultStatus.FAILED, finished_at=now
    )
    DBTaskResult.objects.filter(status=TaskResultStatus.READY, args_kwargs__args__0__in=waiting).update(
        status=TaskResultStatus.FAILED, finished_at=now
    )
    return failed


def refreshed(job: Job) -> Job:
    """The job as it is now, a dead worker's job (or one no worker took) shown as failed."""
    if job.status in (Job.Status.RUNNING, Job.Status.QUEUED) and expire_stale(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def recent(user: User, kind: str | None = None, limit: int = 10) -> QuerySet[Job]:
    """The user's own latest jobs (of a kind), dead workers' jobs shown as failed: the list that
    survives closing the browser. Three queries at most, however many jobs."""
    mine = Job.objects.filter(user=user, **({"kind": kind} if kind else {}))
    expire_stale(mine)
    return mine.order_by("-created_at")[:limit]


def clean_old(now: dt.datetime | None = None) -> int:
    """Jobs older than KDKMP_JOB_KEEP_HOURS, with their files, are removed (running ones stay)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.KDKMP_JOB_KEEP_HOURS)
    # Finished jobs, and "active" ones without a heartbeat for a whole keeping time (their
    # process is long gone).
    old = Q(created_at__lt=cutoff) & (~Q(status__in=Job.ACTIVE) | Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None))
    removed = 0
    for job in Job.objects.filter(old).only("pk", "input_file", "output_file").iterator():
        # The row goes first, and only if still old (a confirm at the boundary moves the job on
        # and gives it a heartbeat when run); then its files.
        if not Job.objects.filter(old, pk=job.pk).delete()[0]:
            continue
        removed += 1
        for field in (job.input_file, job.output_file):
            if field:
                try:
                    field.delete(save=False)
                except OSError:
                    logger.warning("job %s: file %s not removed", job.pk, field.name, exc_info=True)
    return removed
