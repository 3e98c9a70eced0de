"""Benchmarks that print figures (`make bench`); tests never time things.

Runs on a fresh database: a temporary SQLite file, or the database in BENCH_DATABASE_URL
(e.g. a PostgreSQL database that may be dropped and recreated).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
workdir = tempfile.mkdtemp(prefix="kdkmp-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kdkmp.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]


def timed(label, func):
    started = time.perf_counter()
    result = func()
    print(f"{label:<60} {time.perf_counter() - started:8.2f} s")
    return result


def page_timings(client, url, repeat=30):
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return statistics.median(times), p95, len(queries)


def main():
    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    null = open(os.devnull, "w")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    timed("load_regions --all (38 / 514 / 7,285 / 83,762)", lambda: call_command("load_regions", all=True, stdout=null))
    timed(
        "load_regions --all again (idempotent, no writes)", lambda: call_command("load_regions", all=True, stdout=null)
    )
    timed("load_demo (Jambi: 1,585 cooperatives, boards, units)", lambda: call_command("load_demo", stdout=null))
    timed("load_demo again (idempotent)", lambda: call_command("load_demo", stdout=null))

    from accounts.models import User

    bench_assignments()

    print(f"\n{'page (30 requests each)':<60} {'median':>8} {'p95':>8} {'queries':>8}")
    for username in ["staf.kotajambi", "admin.provinsi"]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in [
            "/",
            "/koperasi/",
            "/koperasi/?regency=15.01&milestone=simkopdes_date&sort=-name",
            "/koperasi/?q=sungai&business_unit=apotek",
            "/pendamping/",
            "/pendamping/?load=full",
            "/penugasan/",
            "/penugasan/?regency=15.01",
            "/perencana/?regency=15.01",
        ]:
            median, p95, queries = page_timings(client, url)
            print(f"{username + ' ' + url:<60} {median:6.1f}ms {p95:6.1f}ms {queries:8d}")


def bench_assignments():
    """Planner for all of Jambi from scratch, then one-by-one assign() throughput."""
    from assistants.models import Assignment, Assistant
    from assistants.planner import apply_plan, plan_regency
    from assistants.services import assign
    from cooperatives.models import Cooperative, Region

    regencies = list(Region.objects.filter(parent_id="15", level="regency"))
    Assignment.objects.all().delete()
    plans = timed("planner: plan all 11 Jambi regencies (preview)", lambda: [plan_regency(r) for r in regencies])
    timed(
        f"planner: apply all 11 plans ({sum(len(p.proposals) for p in plans)} assignments)",
        lambda: [apply_plan(p, by=None, reason="bench") for p in plans],
    )
    print(
        f"{'planner: BAs needed / available / gap':<60} {sum(p.bas_needed for p in plans)} / "
        f"{sum(len(p.bas) for p in plans)} / {sum(p.gap for p in plans)}"
    )

    Assignment.objects.all().delete()
    jobs = []
    for regency in regencies:
        bas = list(Assistant.objects.filter(work_area=regency, role="BA"))
        cooperatives = list(Cooperative.objects.filter(village__code__startswith=f"{regency.code}."))
        jobs += [(bas[i // 10], c) for i, c in enumerate(cooperatives) if i // 10 < len(bas)]
    started = time.perf_counter()
    for ba, cooperative in jobs:
        assign(assistant=ba, cooperative=cooperative, by=None)
    elapsed = time.perf_counter() - started
    print(
        f"{f'assign(): {len(jobs)} single assignments, one transaction each':<60} {elapsed:8.2f} s"
        f"  ({len(jobs) / elapsed:,.0f} per second)"
    )


def bench_national_dashboard():
    """seed_scale (83,762 cooperatives, ~8,000 BAs, ~80,000 assignments), then the dashboard."""
    from accounts.models import User

    null = open(os.devnull, "w")
    timed("seed_scale (national synthetic data)", lambda: call_command("seed_scale", stdout=null))
    superuser, _ = User.objects.get_or_create(username="bench.nasional", defaults={"is_superuser": True})
    print(f"\n{'dashboard at scale (30 requests each)':<60} {'median':>8} {'p95':>8} {'queries':>8}")
    for label, user, url in [
        ("national (superuser)", superuser, "/"),
        ("national → province Jawa Barat", superuser, "/?wilayah=32"),
        ("province Jambi (kepala.dinas)", User.objects.get(username="kepala.dinas"), "/"),
        ("regency Kerinci (staf.kerinci)", User.objects.get(username="staf.kerinci"), "/"),
    ]:
        client = Client()
        client.force_login(user)
        # Computed on every request (the first view after a change), then from the cache (views
        # while nothing changed: one fingerprint query instead of the aggregates).
        for cache_label, seconds in [("computed", 0), ("cached", 600)]:
            settings.KDKMP_DASHBOARD_CACHE_SECONDS = seconds
            median, p95, queries = page_timings(client, url)
            print(f"{label + ', ' + cache_label:<60} {median:6.1f}ms {p95:6.1f}ms {queries:8d}")
    first_view_after_a_change(superuser)


def first_view_after_a_change(superuser, repeat=10):
    """Decision 0006's revision: the first view after a change (the dashboard's, the coverage
    page's), computed in the request or beside it (a background thread, waiting at most
    KDKMP_DASHBOARD_WAIT_SECONDS), with how many of the views showed the previous figures, stamped."""
    from cooperatives.models import Cooperative
    from core.shared_cache import close_background_connections

    client = Client()
    client.force_login(superuser)
    cooperative = Cooperative.objects.order_by("pk").first()
    refresh = settings.KDKMP_DASHBOARD_REFRESH_SECONDS
    settings.KDKMP_DASHBOARD_CACHE_SECONDS, settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 600, 0
    title = f"first view after a change ({repeat} views each)"
    print(f"\n{title:<60} {'median':>8} {'max':>8} {'stamped':>8}")
    for label, url in [
        ("national", "/"),
        ("regency Kerinci", "/?wilayah=15.01"),
        ("training coverage, national", "/pelatihan/cakupan/"),
    ]:
        client.get(url)
        for where, background in [("in the request", False), ("beside it", True)]:
            settings.KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = background
            times, stamped = [], 0
            for _ in range(repeat):
                cooperative.members_count += 1
                cooperative.save()  # a change: the fingerprint moves
                time.sleep(1)  # the previous background computation has ended
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                stamped += b'id="data-as-of"' in response.content
            median = statistics.median(times)
            print(f"{label + ', ' + where:<60} {median:6.1f}ms {max(times):6.1f}ms {stamped:5d}/{repeat}")
    settings.KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = False
    settings.KDKMP_DASHBOARD_CACHE_SECONDS, settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 0, refresh
    close_background_connections()  # the database may be dropped next


def concurrently(read_once, readers, requests_each, writing):
    """`readers` threads each calling read_once() `requests_each` times, timed, while (if
    `writing`) another thread saves a cooperative every 0.1 s, each save moving the dashboard's
    cache key. Returns (the request times in ms, sorted; requests per second)."""
    import threading

    from django.db import connections

    from cooperatives.models import Cooperative

    times, stop = [], threading.Event()

    def read():
        for _ in range(requests_each):
            started = time.perf_counter()
            read_once()
            times.append((time.perf_counter() - started) * 1000)
        connections.close_all()

    def write():
        ids = list(Cooperative.objects.values_list("pk", flat=True)[:500])
        n = 0
        while not stop.is_set():
            cooperative = Cooperative.objects.get(pk=ids[n % len(ids)])
            cooperative.members_count += 1
            cooperative.save()
            n += 1
            stop.wait(0.1)
        connections.close_all()

    writer = threading.Thread(target=write) if writing else None
    if writer:
        writer.start()
    threads = [threading.Thread(target=read) for _ in range(readers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stop.set()
    if writer:
        writer.join()
    return sorted(times), len(times) / elapsed


def p95_of(times):
    return times[int(len(times) * 0.95) - 1]


def bench_dashboard_under_writes(readers=20, requests_each=10):
    """Decision 0006: 20 concurrent readers of the national dashboard (threads, each with its own
    connection, the cache on), first while nothing is written, then while a writer saves a
    cooperative every 0.1 s (each save moves the cache key). Goal: p95 <= 500 ms with writes."""
    import threading

    from accounts.models import User
    from dashboards import selectors

    superuser = User.objects.get(username="bench.nasional")
    settings.KDKMP_DASHBOARD_CACHE_SECONDS = 600
    computed = []
    original = selectors.compute_dashboard

    def counting(*args, **kwargs):
        computed.append(1)
        return original(*args, **kwargs)

    selectors.compute_dashboard = counting
    print(
        f"\n{'national dashboard, ' + str(readers) + ' concurrent readers':<60} {'median':>8} {'p95':>8} {'req/s':>8}"
    )
    try:
        for label, writing in (("nothing written", False), ("a write every 0.1 s elsewhere", True)):
            warm = Client()
            warm.force_login(superuser)
            warm.get("/")
            computed.clear()
            local = threading.local()

            def read_once():
                if not hasattr(local, "client"):  # one logged-in client per thread
                    local.client = Client()
                    local.client.force_login(superuser)
                assert local.client.get("/").status_code == 200

            times, rate = concurrently(read_once, readers, requests_each, writing)
            print(
                f"{label + f' ({len(computed)} computations)':<60} {statistics.median(times):6.1f}ms"
                f" {p95_of(times):6.1f}ms {rate:8.1f}"
            )
    finally:
        selectors.compute_dashboard = original
        settings.KDKMP_DASHBOARD_CACHE_SECONDS = 0


def bench_dashboard_behind_gunicorn(readers=20, requests_each=15):
    """The same as bench_dashboard_under_writes, served the production way: gunicorn with
    gunicorn.conf.py (2 workers, 4 threads, the dashboard cache on), 20 client threads over HTTP,
    without and then with a writer saving a cooperative every 0.1 s through the ORM."""
    import http.client
    import socket
    import subprocess

    from accounts.models import User

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client()
    client.force_login(User.objects.get(username="bench.nasional"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kdkmp.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",  # static files without a collectstatic manifest
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        "KDKMP_DASHBOARD_CACHE_SECONDS": "600",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path="/"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status

    try:
        for _ in range(100):
            try:
                if get("/health/") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        title = f"national dashboard behind gunicorn, {readers} clients"
        print(f"\n{title:<60} {'median':>8} {'p95':>8} {'req/s':>8}")
        for label, writing in (
            ("baseline: the login page, nothing written", None),
            ("nothing written", False),
            ("a write every 0.1 s elsewhere", True),
        ):
            for _ in range(2):  # warm both workers' caches
                get("/")
            path = "/masuk/" if writing is None else "/"

            def read_once(path=path):
                assert get(path) == 200

            times, rate = concurrently(read_once, readers, requests_each, writing)
            print(f"{label:<60} {statistics.median(times):6.1f}ms {p95_of(times):6.1f}ms {rate:8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_national_list():
    """The cooperative list at national scope after seed_scale (83,762 cooperatives): page 1, a
    deep page, sorts, filters and searches, each with its HTML size (at most 100 KB); the login
    page as the baseline of the same run. Past KDKMP_LIST_EXACT_COUNT_LIMIT the count is cached:
    the first request of each counts, the others read the cache."""
    from accounts.models import User

    superuser = User.objects.get(username="bench.nasional")
    client = Client()
    client.force_login(superuser)
    rows = []
    for label, url in [
        ("list, national, page 1", "/koperasi/"),
        ("list, national, page 3,000 of 3,351", "/koperasi/?page=3000"),
        ("list, national, sorted by district", "/koperasi/?sort=district"),
        ("list, national, sorted by BA, descending", "/koperasi/?sort=-ba_name"),
        ("list, national, by name, page 1,500", "/koperasi/?sort=name&page=1500"),
        ("list, national, without a BA", "/koperasi/?ba=without"),
        ("list, province Jawa Barat, KKMP", "/koperasi/?province=32&kind=KKMP"),
        ("list, national, outlet operating", "/koperasi/?indikator=outlet_operating"),
        ("list, national, search 'sungai'", "/koperasi/?q=sungai"),
        ("list, national, search 'sungai', by regency", "/koperasi/?q=sungai&sort=regency"),
        ("list, national, search a phone", "/koperasi/?q=0812-3456-7890"),
    ]:
        rows.append((f"{label} ({len(client.get(url).content) / 1024:.0f} KB)", superuser, url, 0))
    page_table(
        "cooperative list at national scale", [("baseline: the login page (anonymous)", None, "/masuk/", 0)] + rows
    )
    pages = []
    for label, url in [
        ("training coverage, national", "/pelatihan/cakupan/"),
        ("Penugasan, national, no regency chosen", "/penugasan/"),
        ("Penugasan, regency Kerinci", "/penugasan/?wilayah=15.01"),
    ]:
        pages.append((f"{label} ({len(client.get(url).content) / 1024:.0f} KB)", superuser, url, 0))
    page_table("other national pages", [("baseline: the login page (anonymous)", None, "/masuk/", 0)] + pages)


def bench_field_reports():
    """Field reports at national scale (seed_scale: 12 months for every BA): the PMO queue, the
    recap for a regency and a province, the problem list and the dashboard at national scope,
    and submitting a 15-cooperative report; the login page as the baseline of the same run."""
    import datetime as dt

    from accounts.models import User
    from assistants.models import Assignment, Assistant
    from reports import services
    from reports.models import MonthlyReport

    superuser = User.objects.get(username="bench.nasional")
    pmo = User.objects.get(username="pmo.kotajambi")
    print(f"\n{'field reports at scale (30 requests each)':<60} {'median':>8} {'p95':>8} {'queries':>8}")
    rows = [
        ("baseline: the login page (anonymous)", None, "/masuk/"),
        ("PMO queue, Kota Jambi, 2025-11", pmo, "/laporan/?month=2025-11"),
        ("recap, regency Kota Jambi, 2025-11", pmo, "/laporan/rekap/?month=2025-11"),
        ("recap, province Jawa Barat (superuser)", superuser, "/laporan/rekap/?month=2025-11&wilayah=32"),
        ("queue, national, submitted (superuser)", superuser, "/laporan/?month=2025-11&state=submitted"),
        ("problems, national, open (superuser)", superuser, "/kendala/?state=open"),
        ("dashboard, national (superuser), computed", superuser, "/"),
    ]
    for label, user, url in rows:
        client = Client()
        if user:
            client.force_login(user)
        settings.KDKMP_DASHBOARD_CACHE_SECONDS = 0
        median, p95, queries = page_timings(client, url, repeat=20)
        print(f"{label:<60} {median:6.1f}ms {p95:6.1f}ms {queries:8d}")
    # Submitting a report of 15 cooperatives: the completeness check and the status change.
    # A BA of its own with 15 cooperatives freed for it (the bench database is disposable: the
    # seed assigns every cooperative, so 15 assignments of one regency are removed first).
    regency = (
        Assistant.objects.filter(role="BA", work_area__code__startswith="32.")
        .values_list("work_area_id", flat=True)
        .first()
    )
    nik = "1571011505909999"
    MonthlyReport.objects.filter(assistant__nik=nik).delete()  # a previous run's
    Assignment.objects.filter(assistant__nik=nik).delete()
    Assistant.objects.filter(nik=nik).delete()
    ba = Assistant.objects.create(name="BA Bench", nik=nik, gender="L", role="BA", work_area_id=regency)
    taken = Assignment.objects.active().filter(cooperative__village__code__startswith=f"{regency}.")
    freed = list(taken.values_list("cooperative_id", flat=True)[:15])
    Assignment.objects.filter(cooperative_id__in=freed).delete()
    for cooperative_id in freed:
        Assignment.objects.create(assistant=ba, cooperative_id=cooperative_id, start_date=dt.date(2025, 10, 1))
    times = []
    for month in [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)]:
        report = services.open_report(ba, month, by=None)
        for section in report.sections.all():
            services.save_section(section, no_visit_reason="bench", by=None)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            services.submit(report, by=None)
            times.append((time.perf_counter() - started) * 1000)
    label = f"submit a report of {report.sections.count()} cooperatives (4 runs)"
    print(f"{label:<60} {statistics.median(times):6.1f}ms {max(times):6.1f}ms {len(queries):8d}")


def bench_map():
    """The map (/peta/) at national scale: load_boundaries --all, then the national, a province's
    and a regency's map, computed and from the dashboard's cache; the login page as the baseline
    of the same run. The gzipped page size is in the label."""
    from accounts.models import User

    null = open(os.devnull, "w")
    load = lambda: call_command("load_boundaries", all=True, stdout=null)  # noqa: E731
    timed("load_boundaries --all (38 / 514 / 7,284 shapes)", load)
    timed("load_boundaries --all again (idempotent)", load)
    superuser = User.objects.get(username="bench.nasional")
    page_table(
        "map at scale",
        [
            ("baseline: the login page (anonymous)", None, "/masuk/", 0),
            ("map, national, coverage", superuser, "/peta/", 0),
            ("map, national, coverage, cached", superuser, "/peta/", 600),
            ("map, national, report completeness", superuser, "/peta/?indikator=reports", 0),
            ("map, province Jawa Barat, outlets", superuser, "/peta/?wilayah=32&indikator=outlets", 0),
            ("map, regency Kerinci, open problems", superuser, "/peta/?wilayah=15.01&indikator=problems", 0),
        ],
        gzipped=True,
    )


def page_table(title, rows, gzipped=False):
    """rows: (label, user or None, url, dashboard cache seconds); 20 requests each, printed with
    the median, p95 and queries (and the gzipped size in the label)."""
    import gzip

    print(f"\n{title + ' (20 requests each)':<60} {'median':>8} {'p95':>8} {'queries':>8}")
    for label, user, url, seconds in rows:
        client = Client()
        if user:
            client.force_login(user)
        settings.KDKMP_DASHBOARD_CACHE_SECONDS = seconds
        median, p95, queries = page_timings(client, url, repeat=20)
        if gzipped:
            label = f"{label} ({len(gzip.compress(client.get(url).content)) / 1024:.1f} KB gz)"
        print(f"{label:<60} {median:6.1f}ms {p95:6.1f}ms {queries:8d}")
    settings.KDKMP_DASHBOARD_CACHE_SECONDS = 0


def bench_trends():
    """Trends at national scale (seed_scale records 12 months): writing one month's snapshot of
    83,762 cooperatives, then the trend page at national, province and regency scope; the login
    page as the baseline of the same run."""
    import datetime as dt

    from accounts.models import User
    from trends.services import previous_month, record_month

    month = previous_month(dt.date.today())
    timed("record_month (one month, every cooperative, with totals)", lambda: record_month(month))
    superuser = User.objects.get(username="bench.nasional")
    page_table(
        "trends at scale",
        [
            ("baseline: the login page (anonymous)", None, "/masuk/", 0),
            ("trend, national, outlets operating", superuser, "/tren/?indikator=outlet_operating", 0),
            ("trend, national, outlets operating, cached", superuser, "/tren/?indikator=outlet_operating", 600),
            ("trend, province Jawa Barat, loans disbursed", superuser, "/tren/?wilayah=32&indikator=loan_disbursed", 0),
            ("trend, regency Kerinci, with a BA", superuser, "/tren/?wilayah=15.01&indikator=has_ba", 0),
        ],
    )


if __name__ == "__main__":
    main()
    bench_national_dashboard()
    bench_dashboard_under_writes()
    bench_dashboard_behind_gunicorn()
    bench_national_list()
    bench_field_reports()
    bench_map()
    bench_trends()
