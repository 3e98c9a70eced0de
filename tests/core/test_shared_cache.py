"""core.shared_cache: figures computed once for all app servers (decision record 0006)."""

import datetime
import time

import pytest
from django.core.cache import caches
from django.utils import timezone

from cooperatives.models import Cooperative
from core import shared_cache
from core.history import change_fingerprint
from core.shared_cache import shared_figures
from tests.factories import cooperatives_in

pytestmark = pytest.mark.django_db
MODELS = [Cooperative]
shared = caches["shared"]


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.KDKMP_DASHBOARD_CACHE_SECONDS = 600
    settings.KDKMP_DASHBOARD_STALE_SECONDS = 30
    settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 0
    shared.clear()
    yield
    shared.clear()


def never():
    pytest.fail("computed although another reader is computing the same figures")


def test_figures_are_computed_once_then_read():
    computed = []
    assert shared_figures("k", MODELS, lambda: computed.append(1) or "ours") == ("ours", None)
    assert shared_figures("k", MODELS, never) == ("ours", None)
    assert computed == [1] and shared.get("k:computing") is None  # the lock is released


def test_a_reader_with_nothing_to_show_waits_for_the_one_computing(monkeypatch):
    """A new day or a region never viewed: the readers arriving while one computes wait for its
    result instead of computing the same figures each."""
    assert shared.add("k:computing", True, 60)  # another reader, maybe on another server

    def the_other_reader_stores_its_result(_seconds):
        shared.set("k", (change_fingerprint(MODELS), timezone.now(), "theirs"), 60)

    monkeypatch.setattr(shared_cache.time, "sleep", the_other_reader_stores_its_result)
    assert shared_figures("k", MODELS, never) == ("theirs", None)


def test_a_reader_computes_its_own_when_the_other_gives_up(monkeypatch):
    assert shared.add("k:computing", True, 60)
    monkeypatch.setattr(shared_cache.time, "sleep", lambda _seconds: shared.delete("k:computing"))
    assert shared_figures("k", MODELS, lambda: "ours") == ("ours", None)


@pytest.mark.parametrize("background", [False, True], ids=["in the request", "in the background"])
@pytest.mark.django_db(transaction=True)  # the background thread reads through its own connection
def test_a_failed_computation_releases_the_lock(settings, background):
    settings.KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = background
    settings.KDKMP_DASHBOARD_WAIT_SECONDS = 5  # in the background: the reader waits for the failure
    shared.set("k", ("an older fingerprint", timezone.now(), "previous"), 60)

    def failing():
        raise RuntimeError("database gone")

    try:
        with pytest.raises(RuntimeError):
            shared_figures("k", MODELS, failing)
        assert shared.get("k:computing") is None
        assert shared_figures("k", MODELS, lambda: "ours") == ("ours", None)
    finally:
        shared_cache.close_background_connections()  # else the test database cannot be dropped


def test_previous_figures_come_with_their_time_only_while_recent(settings):
    computed_at = timezone.now() - datetime.timedelta(seconds=10)
    shared.set("k", ("an older fingerprint", computed_at, "previous"), 60)
    assert shared.add("k:computing", True, 60)
    assert shared_figures("k", MODELS, never) == ("previous", computed_at)
    settings.KDKMP_DASHBOARD_STALE_SECONDS = 5  # older than the bound: this reader computes its own
    assert shared_figures("k", MODELS, lambda: "ours") == ("ours", None)


def test_figures_computed_moments_ago_are_stamped_not_recomputed(settings):
    """Under steady writes: at most one recomputation per KDKMP_DASHBOARD_REFRESH_SECONDS."""
    settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 5
    moments_ago = timezone.now() - datetime.timedelta(seconds=2)
    shared.set("k", ("an older fingerprint", moments_ago, "previous"), 60)
    assert shared_figures("k", MODELS, never) == ("previous", moments_ago)
    assert shared.get("k:computing") is None  # nobody computes meanwhile
    shared.set("k", ("an older fingerprint", timezone.now() - datetime.timedelta(seconds=6), "previous"), 60)
    assert shared_figures("k", MODELS, lambda: "ours") == ("ours", None)  # the period is over


@pytest.fixture
def in_background(settings):
    settings.KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = True
    settings.KDKMP_DASHBOARD_WAIT_SECONDS = 5  # "in time" on a busy machine too; the slow test sets less
    yield
    shared_cache.close_background_connections()  # else the test database cannot be dropped


@pytest.mark.django_db(transaction=True)  # the background thread reads through its own connection
def test_figures_recomputed_in_time_in_the_background_are_shown_fresh(in_background, small_jambi):
    cooperatives_in("15.71", 3)  # committed: the background thread must see them
    shared.set("k", ("an older fingerprint", timezone.now(), "previous"), 60)
    figures, as_of = shared_figures("k", MODELS, lambda: Cooperative.objects.count())
    assert (figures, as_of) == (3, None)
    assert shared.get("k")[0] == change_fingerprint(MODELS) and shared.get("k:computing") is None


@pytest.mark.django_db(transaction=True)
def test_figures_not_in_time_show_the_previous_ones_and_are_stored_when_done(in_background, settings):
    """The first reader after a change does not wait for a slow computation: it is shown the
    previous figures, stamped, and the figures computed meanwhile are there for the next reader."""
    import threading

    settings.KDKMP_DASHBOARD_WAIT_SECONDS = 0.05
    # A quiet office: the figures were computed minutes ago, past the bound for readers who
    # arrive while another computes; the first reader is still shown them, stamped.
    computed_at = timezone.now() - datetime.timedelta(minutes=5)
    shared.set("k", ("an older fingerprint", computed_at, "previous"), 600)
    go_on, done = threading.Event(), threading.Event()

    def slow():
        go_on.wait(10)
        done.set()
        return "new"

    assert shared_figures("k", MODELS, slow) == ("previous", computed_at)
    assert shared.get("k:computing") is not None  # held by the background computation
    go_on.set()
    assert done.wait(10)
    for _ in range(100):  # stored and released just after `slow` returns
        if shared.get("k:computing") is None:
            break
        time.sleep(0.02)
    assert shared.get("k:computing") is None
    assert shared_figures("k", MODELS, never) == ("new", None)


@pytest.mark.django_db(transaction=True)
def test_a_reader_arriving_while_the_background_computes_keeps_the_stale_bound(in_background, settings):
    import threading

    settings.KDKMP_DASHBOARD_WAIT_SECONDS = 0
    recent = timezone.now() - datetime.timedelta(seconds=10)
    shared.set("k", ("an older fingerprint", recent, "previous"), 600)
    go_on = threading.Event()
    assert shared_figures("k", MODELS, lambda: go_on.wait(10) and "new") == ("previous", recent)
    try:
        assert shared_figures("k", MODELS, never) == ("previous", recent)  # within 30 s: shown
        settings.KDKMP_DASHBOARD_STALE_SECONDS = 5
        assert shared_figures("k", MODELS, lambda: "its own") == ("its own", None)  # past it: computed
    finally:
        go_on.set()


def test_a_lock_taken_over_by_another_reader_is_not_released_by_the_first():
    """A computation that outlived LOCK_SECONDS: the lock may be another reader's by then."""
    shared.set("k", ("an older fingerprint", timezone.now(), "previous"), 60)

    def outlived_its_lock():
        shared.set("k:computing", "another reader's", 60)
        return "ours"

    assert shared_figures("k", MODELS, outlived_its_lock) == ("ours", None)
    assert shared.get("k:computing") == "another reader's"


@pytest.mark.django_db(transaction=True)
def test_with_every_background_thread_busy_the_reader_computes_in_its_request(in_background, monkeypatch):
    """Nothing queues behind busy threads (a late start could outlive its lock)."""
    import threading

    monkeypatch.setattr(shared_cache, "_free_threads", threading.BoundedSemaphore(1))
    assert shared_cache._free_threads.acquire(blocking=False)  # the one thread is busy
    shared.set("k", ("an older fingerprint", timezone.now(), "previous"), 60)
    in_this_thread = []

    def compute():
        in_this_thread.append(threading.current_thread() is threading.main_thread())
        return "ours"

    assert shared_figures("k", MODELS, compute) == ("ours", None)
    assert in_this_thread == [True] and shared.get("k:computing") is None


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_background_computation_the_next_reader_computes_in_its_request(in_background, settings):
    """A lasting failure must not hide behind ever older figures stamped "data per": the next
    reader computes in its request (and sees the error if it lasts)."""
    import threading

    settings.KDKMP_DASHBOARD_WAIT_SECONDS = 0  # the reader is shown the previous figures at once
    computed_at = timezone.now() - datetime.timedelta(minutes=5)
    shared.set("k", ("an older fingerprint", computed_at, "previous"), 600)
    failed = threading.Event()

    def failing():
        failed.set()
        raise RuntimeError("database gone")

    assert shared_figures("k", MODELS, failing) == ("previous", computed_at)
    assert failed.wait(10)
    for _ in range(100):  # the lock is released just after the failure is marked
        if shared.get("k:computing") is None:
            break
        time.sleep(0.02)
    in_this_thread = []

    def compute():
        in_this_thread.append(threading.current_thread() is threading.main_thread())
        return "ours"

    assert shared_figures("k", MODELS, compute) == ("ours", None)
    assert in_this_thread == [True]
