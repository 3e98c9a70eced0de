"""The dashboard cache: a repeated view skips the aggregates, and every change made through the app
(forms, services, imports) shows on the very next view."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assistants.models import Assignment
from assistants.services import end_assignment
from cooperatives.models import Cooperative
from imports.services import import_file
from tests.factories import AssignmentFactory, VillageFactory, cooperatives_in
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db
HOME = reverse("home")
cache = caches["shared"]  # where the dashboard keeps its figures and its lock (decision 0006)


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.KDKMP_DASHBOARD_CACHE_SECONDS = 600
    settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 0  # a quiet office: the last computation is long ago
    cache.clear()  # history ids restart after each test's rollback: no entry may survive a test
    yield
    cache.clear()


def dashboard_key(prefix):
    """The key of the one dashboard entry whose key starts with `prefix` (its region's part)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kdkmp_shared_cache WHERE cache_key LIKE %s", [f":1:{prefix}%"])
        (key,) = [k.split(":", 2)[-1] for (k,) in cursor.fetchall() if not k.endswith(":computing")]
    return key


def view(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME, params)
    assert response.status_code == 200
    return response.context["data"], [q["sql"] for q in queries]


def test_a_repeated_view_skips_the_aggregates(login):
    client = login("kepala.dinas")
    first, first_queries = view(client)
    again, again_queries = view(client)
    # Each of the dashboard and its field-work card: a fingerprint, a cache read, its aggregates
    # (four each), and writing the shared cache: taking the lock, storing, checking that the lock
    # is still its own and releasing it (12).
    assert len(first_queries) <= 42
    assert any("cooperatives_cooperative" in sql for sql in first_queries)
    assert not any("COUNT(" in sql and "kdkmp_shared_cache" not in sql for sql in again_queries)
    assert not any("INSERT" in sql or "DELETE" in sql for sql in again_queries)  # read only
    assert len(again_queries) == 10  # session, user, permissions (2); per card: regions, fingerprint, cache read
    assert (again.total.cooperatives, again.total.with_ba, again.total.gap) == (1585, 1554, 7)


def test_each_region_has_its_own_entry(login):
    client = login("kepala.dinas")
    assert view(client)[0].total.cooperatives == 1585
    assert view(client, wilayah="15.71")[0].total.cooperatives == 68
    assert view(client)[0].total.cooperatives == 1585


def test_an_assignment_ended_by_the_service_shows_at_once(login):
    client = login("kepala.dinas")
    assert view(client)[0].total.with_ba == 1554
    assignment = Assignment.objects.active().filter(cooperative__village__code__startswith="15.71.").first()
    end_assignment(assignment=assignment, by=None, reason="uji")
    data = view(client)[0]
    assert data.total.with_ba == 1553
    assert next(r for r in data.rows if r.region.code == "15.71").with_ba == 67
    assert '<span id="fig-with-ba">1.553</span>' in client.get(HOME).content.decode()  # the HTML too


def test_a_cooperative_edited_and_one_imported_show_at_once(login):
    client = login("kepala.dinas")
    before = view(client)[0].total
    cooperative = Cooperative.objects.filter(village__code__startswith="15.71.", simkopdes_date__isnull=True).first()
    cooperative.simkopdes_date = cooperative.legal_entity_date or cooperative.musdesus_date
    cooperative.full_clean()
    cooperative.save()  # what the edit form does
    assert view(client)[0].total.milestones["simkopdes_date"] == before.milestones["simkopdes_date"] + 1

    village = VillageFactory()
    report = import_file(
        kind="cooperatives",
        data=csv_bytes([["KODE DESA", "Nama Koperasi"], [village.code, ""]]),
        file_name="baru.csv",
        user=User.objects.get(username="admin.provinsi"),
        dry_run=False,
    )
    assert report.written, report.errors
    assert view(client)[0].total.cooperatives == 1586


def test_a_write_behind_the_apps_back_waits_for_the_expiry(login):
    """Raw updates leave no change record: the cached figures stay until they expire (the
    setting bounds that); cleared here to stand for the expiry."""
    client = login("kepala.dinas")
    assert view(client)[0].total.with_ba == 1554
    Assignment.objects.filter(cooperative__village__code__startswith="15.71.").update(end_date="2025-11-20")
    assert view(client)[0].total.with_ba == 1554
    cache.clear()
    assert view(client)[0].total.with_ba == 1554 - 68


def test_a_bulk_load_without_history_shows_at_once(login):
    """The demo and scale seeders bulk-create rows without change records: new row ids count too."""
    client = login("kepala.dinas")
    assert view(client)[0].total.cooperatives == 1585
    village = VillageFactory()
    Cooperative.objects.bulk_create([Cooperative(village=village, name="KKMP Muat Massal", kind="KKMP")])
    assert view(client)[0].total.cooperatives == 1586


def test_a_renamed_region_shows_at_once(login):
    """Region names are not in the change records: they are read on every view and keyed on."""
    from cooperatives.models import Region

    client = login("kepala.dinas")
    assert view(client)[0].rows[0].region.name == "Kabupaten Kerinci"
    Region.objects.filter(code="15.01").update(name="Kabupaten Kerinci (baru)")
    assert view(client)[0].rows[0].region.name == "Kabupaten Kerinci (baru)"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite runs one writer at a time)")
def test_a_long_transaction_committing_after_a_shorter_one_shows_at_once(small_jambi, client):
    """Ids are handed out at insert: a transaction that started first can commit last, below the
    newest id. The transactions still running are in the key, so its end still shows."""
    import threading

    from django.db import transaction

    client.force_login(small_jambi["kepala.dinas"])
    for cooperative in cooperatives_in("15.71", 3):
        AssignmentFactory(cooperative=cooperative)
    assert view(client)[0].total.with_ba == 3
    first, second = Assignment.objects.active().order_by("pk")[:2]
    written, release = threading.Event(), threading.Event()

    def long_transaction():
        try:
            with transaction.atomic():
                end_assignment(assignment=first, by=None, reason="lama")
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=long_transaction)
    thread.start()
    assert written.wait(30)
    end_assignment(assignment=second, by=None, reason="singkat")  # commits newer history ids first
    assert view(client)[0].total.with_ba == 2
    release.set()
    thread.join(30)
    assert view(client)[0].total.with_ba == 1


def test_while_one_reader_recomputes_the_others_see_the_previous_figures_with_their_time(login, settings):
    """Decision record 0006: under writes, N readers do not compute the same figures N times."""
    settings.KDKMP_DASHBOARD_STALE_SECONDS = 30
    client = login("kepala.dinas")
    assert view(client)[0].total.with_ba == 1554
    assignment = Assignment.objects.active().filter(cooperative__village__code__startswith="15.71.").first()
    end_assignment(assignment=assignment, by=None, reason="uji")
    lock = dashboard_key("dashboard:15:") + ":computing"
    assert cache.add(lock, True, 60)  # another reader is computing right now
    data, queries = view(client)
    assert data.total.with_ba == 1554 and data.as_of is not None  # the previous figures, stamped
    assert not any("COUNT(" in sql and "cooperatives_cooperative" in sql for sql in queries)
    page = client.get(HOME).content.decode()
    assert 'id="data-as-of"' in page and "Data per" in page
    assert timezone.localtime(data.as_of).strftime("%H.%M.%S") in page  # with seconds: it may be moments old
    cache.delete(lock)
    data = view(client)[0]
    assert data.total.with_ba == 1553 and data.as_of is None  # the next reader recomputes


def test_previous_figures_older_than_the_bound_are_not_shown(login, settings):
    settings.KDKMP_DASHBOARD_STALE_SECONDS = 0
    client = login("kepala.dinas")
    view(client)
    assignment = Assignment.objects.active().filter(cooperative__village__code__startswith="15.71.").first()
    end_assignment(assignment=assignment, by=None, reason="uji")
    assert cache.add(dashboard_key("dashboard:15:") + ":computing", True, 60)
    data = view(client)[0]
    assert data.total.with_ba == 1553 and data.as_of is None  # computed by this reader itself
