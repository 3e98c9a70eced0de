"""Figures computed once for every app server: kept in the shared cache (settings.CACHES["shared"],
the database by default) while the data's change fingerprint holds, recomputed by one reader at a
time (docs/decisions/0006).

The first reader after a change takes a short lock and recomputes; readers arriving meanwhile get
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
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model
from django.utils import timezone

from core.history import change_fingerprint

T = TypeVar("T")
LOCK_SECONDS = 60  # a reader that died while computing holds the lock at most this long


def shared_figures(key: str, models: list[type[Model]], compute: Callable[[], T]) -> tuple[T, datetime.datetime | None]:
    """(figures, None) current for the data of these models, or (previous figures, when they were
    computed) while another reader recomputes them."""
    seconds = settings.KDKMP_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute(), None
    # Read before the figures: figures stored under a fingerprint are then never older than it.
    fingerprint = change_fingerprint(models)
    shared = caches["shared"]
    entry = shared.get(key)  # (fingerprint, computed at, figures)
    if entry is not None and entry[0] == fingerprint:
        return entry[2], None
    if entry is not None:
        age = (timezone.now() - entry[1]).total_seconds()
        # Computed moments ago, and changed since: under steady writes figures would be
        # recomputed back to back, each time by a reader who waits for it. They are recomputed at
        # most every KDKMP_DASHBOARD_REFRESH_SECONDS, shown stamped meanwhile.
        if 0 <= age < settings.KDKMP_DASHBOARD_REFRESH_SECONDS:
            return entry[2], entry[1]
    lock = f"{key}:computing"
    computing = shared.add(lock, True, LOCK_SECONDS)
    if not computing:
        if entry is None:  # nothing to show yet (a new day, a region never viewed): wait for it
            entry = _wait_for(shared, key, lock)
        if entry is not None:
            computed_at = entry[1]
            if entry[0] == fingerprint:
                return entry[2], None
            if (timezone.now() - computed_at).total_seconds() <= settings.KDKMP_DASHBOARD_STALE_SECONDS:
                return entry[2], computed_at
    try:
        figures = compute()
        shared.set(key, (fingerprint, timezone.now(), figures), seconds)
    finally:
        if computing:
            shared.delete(lock)
    return figures, None


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
