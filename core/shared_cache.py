"""Figures computed once for every app server: kept in the shared cache (settings.CACHES["shared"],
the database by default) while the data's change fingerprint holds, recomputed by one reader at a
time (docs/decisions/0006).

The first reader after a change takes a short lock and recomputes in a background thread,
waiting for it at most KDKMP_DASHBOARD_WAIT_SECONDS (not at all if the last computation took
longer): a region's figures usually come in time (fresh); the nation's take longer and that
reader is shown the previous ones, stamped. So the first view after a change costs a cached
view plus the wait, not the computation. Readers arriving meanwhile get
the previous figures with the time they were computed, if that was at most
KDKMP_DASHBOARD_STALE_SECONDS ago (the page says so: "data per 14.05"); older, they compute their
own rather than wait. With nothing computed yet (a new day, a region never viewed) they wait for
the one reader's result (up to 10 s) instead of computing it too. Under steady writes N readers
would otherwise compute the same national figures N times at once, on every server; and figures
computed less than KDKMP_DASHBOARD_REFRESH_SECONDS ago are not recomputed yet, only stamped, so
that back-to-back writes do not keep one reader after another computing.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import close_old_connections, connections
from django.db.models import Model
from django.utils import timezone, translation

from core.history import change_fingerprint

T = TypeVar("T")
LOCK_SECONDS = 60  # a reader that died while computing holds the lock at most this long
logger = logging.getLogger(__name__)
# Per process: two recomputations beside requests at once at most (each holds its key's lock, so
# never one key twice). With both busy, a reader computes in its request as before: nothing waits
# in a queue, where a late start could outlive the lock.
BACKGROUND_THREADS = 2
_background = ThreadPoolExecutor(max_workers=BACKGROUND_THREADS, thread_name_prefix="figures")
_free_threads = threading.BoundedSemaphore(BACKGROUND_THREADS)


def shared_figures(key: str, models: list[type[Model]], compute: Callable[[], T]) -> tuple[T, datetime.datetime | None]:
    """(figures, None) current for the data of these models, or (previous figures, when they were
    computed) while another reader recomputes them."""
    seconds = settings.KDKMP_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute(), None
    # Read before the figures: figures stored under a fingerprint are then never older than it.
    fingerprint = change_fingerprint(models)
    shared = caches["shared"]
    entry = shared.get(key)  # (fingerprint, computed at, figures, seconds the computation took)
    if entry is not None and entry[0] == fingerprint:
        return entry[2], None
    if entry is not None:
        age = (timezone.now() - entry[1]).total_seconds()
        # Computed moments ago, and changed since: under steady writes figures would be
        # recomputed back to back, each time by a reader who waits for it. They are recomputed at
        # most every KDKMP_DASHBOARD_REFRESH_SECONDS, shown stamped meanwhile.
        if 0 <= age < settings.KDKMP_DASHBOARD_REFRESH_SECONDS:
            return entry[2], entry[1]
    lock, token = f"{key}:computing", uuid.uuid4().hex
    computing = shared.add(lock, token, LOCK_SECONDS)
    if not computing:
        if entry is None:  # nothing to show yet (a new day, a region never viewed): wait for it
            entry = _wait_for(shared, key, lock)
        if entry is not None:
            computed_at = entry[1]
            if entry[0] == fingerprint:
                return entry[2], None
            if (timezone.now() - computed_at).total_seconds() <= settings.KDKMP_DASHBOARD_STALE_SECONDS:
                return entry[2], computed_at
    background = computing and entry is not None and settings.KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND
    # For LOCK_SECONDS after a background computation failed, readers compute in their request: a
    # lasting failure then shows as an error page, not as ever older figures stamped "data per".
    if background and shared.get(_failed(key)) is None and _free_threads.acquire(blocking=False):
        # The previous figures, whatever their age within the entry's life, stand in for this one
        # reader while its own computation runs: the stamp gives their time, and the next view has
        # the new ones. (Readers arriving meanwhile keep the stale bound above.)
        language = translation.get_language()
        try:
            task = _background.submit(_recompute, key, (lock, token), fingerprint, compute, language)
        except RuntimeError:  # the executor is shut down (the process is exiting)
            _free_threads.release()
            raise
        wait = settings.KDKMP_DASHBOARD_WAIT_SECONDS
        if len(entry) > 3 and entry[3] > wait:  # (entries stored before durations were kept have none)
            wait = 0  # the last computation took longer: it would not be in time, don't wait
        try:
            return task.result(timeout=wait), None
        except FutureTimeout:
            return entry[2], entry[1]
    try:
        figures = _compute_and_store(shared, key, fingerprint, compute)
    finally:
        if computing:
            _release(shared, lock, token)
    return figures, None


def _compute_and_store(shared, key: str, fingerprint: str, compute: Callable[[], T]) -> T:
    """Compute, and store the figures with their fingerprint, time and how long they took."""
    started = time.monotonic()
    figures = compute()
    entry = (fingerprint, timezone.now(), figures, time.monotonic() - started)
    shared.set(key, entry, settings.KDKMP_DASHBOARD_CACHE_SECONDS)
    return figures


def _failed(key: str) -> str:
    """The marker a failed background computation leaves for LOCK_SECONDS."""
    return f"{key}:failed"


def _release(shared, lock: str, token: str) -> None:
    """Release our own lock only: one held past LOCK_SECONDS may be another reader's by now."""
    if shared.get(lock) == token:
        shared.delete(lock)


def _recompute(key: str, lock: tuple[str, str], fingerprint: str, compute: Callable[[], T], language: str | None) -> T:
    """In a background thread: compute, store, release the lock (held by the reader who started it)."""
    shared = caches["shared"]  # this thread's own cache connection
    close_old_connections()  # as a request starts: a connection past CONN_MAX_AGE or broken is replaced
    try:
        with translation.override(language):
            return _compute_and_store(shared, key, fingerprint, compute)
    except Exception:  # the reader may be gone: say it here, and the next reader computes again
        logger.exception("recomputing %s failed", key)
        shared.set(_failed(key), True, LOCK_SECONDS)
        raise
    finally:
        _release(shared, *lock)
        close_old_connections()  # as a request ends: kept for the next up to CONN_MAX_AGE
        _free_threads.release()


def _wait_for(shared, key: str, lock: str, seconds: float = 10) -> tuple | None:
    """The entry another reader is computing, once stored; None if it does not come within
    `seconds` or its reader gave up (the lock is gone without an entry)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = shared.get(key)
        if entry is not None:
            return entry
        if shared.get(lock) is None:
            return shared.get(key)
    return None


def close_background_connections() -> None:
    """Close the database connections the background threads keep (tests do, before their
    database is dropped). One task per thread: each waits for the others, so none takes two."""
    workers = BACKGROUND_THREADS
    everyone = threading.Barrier(workers)

    def close() -> None:
        connections.close_all()
        everyone.wait(timeout=10)

    for task in [_background.submit(close) for _ in range(workers)]:
        task.result()
