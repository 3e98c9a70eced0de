"""Import benchmarks (`make bench`): prints figures, asserts nothing.

On a fresh database (a temporary SQLite file, or BENCH_DATABASE_URL): loads the whole region list,
builds the national roster xlsx on the fly (one cooperative per village, 83,762 rows), then times
- the Jambi roster (1,585 rows): preview, then confirm, then the same file again;
- the national roster through `manage.py import_roster` in a child process (wall time, peak RSS);
- a national *update*: the app's own csv export re-imported with every member count changed, beside
  the new-rows import of the same run, and one 2,000-row UPDATE chunk as Django's bulk_update
  (CASE WHEN per column) and as core.bulk's UPDATE ... FROM (VALUES ...);
- a raw bulk_create of the same rows (cooperatives and their office units);
- django-import-export's default configuration (a plain ModelResource) on a sample, as rows/s;
- the national list exported as a background job (xlsx and csv, the streaming writer) and the
  national update imported as a job (check, then write), each in a child process like a worker,
  with wall time and peak memory beside the child's bare start-up.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="kdkmp-bench-import-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kdkmp.settings_test")

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from import_export import resources  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from cooperatives.models import BusinessUnit, Cooperative, Region  # noqa: E402
from cooperatives.resources import CooperativeResource  # noqa: E402
from core.bulk import bulk_update_values  # noqa: E402
from imports.management.commands.import_roster import _Everything  # noqa: E402
from imports.services import import_file  # noqa: E402

HEADERS = [
    "Kode Desa",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Nama Koperasi",
    "Skema Pembentukan",
    "Tanggal Musdesus",
    "Tanggal Akta Notaris",
    "Tanggal Badan Hukum",
    "Jumlah Anggota",
    "Unit Kantor",
]
SAMPLE_DEFAULT = 2000

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]


def roster_rows():
    """One row per village, deterministic; dates as Excel dates or Indonesian text, as in the field."""
    import datetime as dt

    names = dict(Region.objects.exclude(level=Region.Level.VILLAGE).values_list("code", "name"))
    for village in Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").iterator(chunk_size=5000):
        rng = random.Random(village.code)
        musdesus = dt.date(2025, 4, 14) + dt.timedelta(days=rng.randint(0, 40))
        deed = musdesus + dt.timedelta(days=rng.randint(5, 30))
        word = "Kelurahan" if village.kind == Region.VillageKind.KELURAHAN else "Desa"
        yield [
            village.code,
            names[village.code[:5]],
            names[village.code[:8]],
            village.name,
            f"Koperasi {word} Merah Putih {village.name}",
            "baru",
            musdesus,
            f"{deed.day} {MONTHS[deed.month - 1]} {deed.year}",
            "",
            rng.randint(20, 400),
            "pembangunan",
        ]


def write_xlsx(path, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["REKAP KOPERASI DESA/KELURAHAN MERAH PUTIH"])
    sheet.append([])
    sheet.append(HEADERS)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count


def timed(func):
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


def line(label, value):
    print(f"{label:<64} {value}")


class DefaultCooperativeResource(resources.ModelResource):
    """django-import-export out of the box: row by row, instance lookup per row."""

    class Meta:
        model = Cooperative
        import_id_fields = ["village"]
        fields = ["village", "name", "kind", "formation_scheme", "musdesus_date", "notary_deed_date", "members_count"]


# The child's own peak: its VmHWM, printed on exit. (getrusage's RUSAGE_CHILDREN would also count
# this process's peak, which Linux carries into a child across fork and exec: after deleting the
# other benchmark's data it read ~310 MB for a command that peaks at ~260 MB.)
PEAK_REPORTING_MANAGE = """
import atexit, runpy, sys
atexit.register(lambda: print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")), file=sys.stderr))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_child(arguments, what):
    """A child Python process (its arguments after the interpreter): (seconds, its own peak
    memory in MB from the VmHWM it prints on stderr, its last line of output)."""
    started = time.perf_counter()
    child = subprocess.run([sys.executable, *arguments], env=dict(os.environ), capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if child.returncode:
        print(child.stdout[-2000:], child.stderr[-3000:])
        raise SystemExit(f"{what} failed")
    peak_mb = int(child.stderr.strip().splitlines()[-1].split()[1]) / 1024  # "VmHWM: 123456 kB"
    return seconds, peak_mb, child.stdout.strip().splitlines()[-1]


def run_import_roster(path, *extra):
    """`manage.py import_roster cooperatives PATH` in a child process: (seconds, peak MB, last line)."""
    arguments = ["-c", PEAK_REPORTING_MANAGE, str(ROOT / "manage.py"), "import_roster", "cooperatives", str(path)]
    return run_child([*arguments, *extra], f"import_roster {path.name}")


def one_update_chunk(size=2000):
    """One chunk of the import's update (the cooperative kind's compared fields), each way, rolled back."""
    fields = CooperativeResource.compare_fields
    objs = list(Cooperative.objects.order_by("pk")[:size])
    for cooperative in objs:
        cooperative.members_count += 1
        cooperative.updated_at = timezone.now()
    times = {}
    for name, write in (
        ("bulk_update", lambda: Cooperative.objects.bulk_update(objs, fields)),
        ("bulk_update_values", lambda: bulk_update_values(Cooperative, objs, fields)),
    ):
        with transaction.atomic():
            _none, times[name] = timed(write)
            transaction.set_rollback(True)
    return len(objs), len(fields), times


def national_update(user, t_new, n_national):
    """The app's own national export, every member count changed, imported again: all updates."""
    print("\n== National update: the app's own csv export re-imported with member counts changed")
    dataset, t_export = timed(lambda: CooperativeResource(user=user).export(queryset=Cooperative.objects.all()))
    column = dataset.headers.index("Jumlah Anggota")
    changed = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        row = list(row)
        row[column] = int(row[column] or 0) + 7
        changed.append(row)
    path = Path(workdir) / "kdkmp-nasional-ekspor.csv"
    path.write_text("\ufeff" + changed.export("csv"), encoding="utf-8")
    line(
        "exported the national list as csv (not timed below)",
        f"{len(dataset):,} rows, {path.stat().st_size / 1e6:.1f} MB, {t_export:.1f} s",
    )
    size, columns, chunk = one_update_chunk()
    line(f"one {size:,}-row chunk, {columns} columns: Django bulk_update (CASE WHEN)", f"{chunk['bulk_update']:6.2f} s")
    line("   the same chunk: bulk_update_values (UPDATE ... FROM VALUES)", f"{chunk['bulk_update_values']:6.2f} s")
    seconds, peak_mb, summary = run_import_roster(path)
    print("   " + summary)
    line(f"national update through import_roster ({len(dataset):,} rows, wall time)", f"{seconds:6.2f} s")
    line("   baseline: the national new-rows import of this run", f"{t_new:6.2f} s  ({seconds / t_new:.1f}x)")
    line("   peak memory of the command (max RSS)", f"{peak_mb:6.0f} MB")
    line("   throughput", f"{n_national / seconds:8,.0f} rows/s")
    return path


# A child process running one piece of jobs code like a worker does, reporting its own peak.
JOB_CHILD = """
import os, sys, time
import django
django.setup()
from accounts.models import User
from jobs import services
from jobs.models import Job
user = User.objects.get(username="bench-pusat")
mode, argument = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if mode == "export":
    job = services.create(user=user, kind="export", label="koperasi." + argument, background=True, params={
        "view": "cooperatives.views.CooperativeExportView", "query": "", "fmt": argument, "kwargs": {},
        "language": "id", "download_name": "koperasi." + argument})
    services.run(str(job.pk))
    job.refresh_from_db()
    summary = f"{job.status}: {job.result.get('rows')} rows, {job.output_file.size / 1e6:.1f} MB"
elif mode == "import":
    data = open(argument, "rb").read()
    job = services.create(user=user, kind="import", label="nasional.csv", params={"kind": "cooperatives"},
                          step="check", input_name="nasional.csv", input_bytes=data, background=True)
    del data
    services.run(str(job.pk))
    job.refresh_from_db()
    checked = time.perf_counter() - started
    assert services.queue_step(job, "write"), job.status
    services.run(str(job.pk))
    job.refresh_from_db()
    summary = f"{job.status}: {job.result['counts']}, check {checked:.1f} s"
else:
    from cooperatives.models import Cooperative
    summary = f"{Cooperative.objects.count()} cooperatives"
print(summary)
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")), file=sys.stderr)
"""


def run_job_child(mode, argument=""):
    return run_child(["-c", JOB_CHILD, mode, argument], f"job child {mode}")


def jobs_at_national_scale(update_csv):
    """The national export and the national update import as background jobs (issue 16)."""
    from django.contrib.auth import get_user_model

    print("\n== Background jobs at national scale (child processes, as a worker runs them)")
    get_user_model().objects.filter(username="bench-pusat").delete()
    get_user_model().objects.create_superuser("bench-pusat", password="bench-not-a-login")
    seconds, base_mb, summary = run_job_child("baseline")
    line(f"baseline: the child's start-up and one query ({summary})", f"{seconds:6.2f} s  {base_mb:5.0f} MB")
    for fmt in ("xlsx", "csv"):
        seconds, peak_mb, summary = run_job_child("export", fmt)
        line(f"national export job, {fmt} (target <= 150 MB) [{summary}]", f"{seconds:6.2f} s  {peak_mb:5.0f} MB")
    # The update file once more, every member count changed again: a real update, not unchanged rows.
    import csv

    again = Path(workdir) / "kdkmp-nasional-ekspor-2.csv"
    with open(update_csv, encoding="utf-8-sig", newline="") as source, open(again, "w", newline="") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        header = next(reader)
        column = header.index("Jumlah Anggota")
        writer.writerow(header)
        for row in reader:
            row[column] = str(int(row[column] or 0) + 1)
            writer.writerow(row)
    seconds, peak_mb, summary = run_job_child("import", str(again))
    print("   " + summary)
    line("national update import job: check, then write (wall time, peak)", f"{seconds:6.2f} s  {peak_mb:5.0f} MB")


def main():
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    null = open(os.devnull, "w")
    call_command("migrate", verbosity=0)
    # BENCH_DATABASE_URL may hold the other benchmark's data (seed_scale, reports, snapshots, some
    # of which protect their cooperatives): empty every table, then load the regions again.
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_regions", all=True, stdout=null)
    user = _Everything()

    national = Path(workdir) / "kdkmp-nasional.xlsx"
    jambi = Path(workdir) / "kdkmp-jambi.xlsx"
    rows = list(roster_rows())
    (n_national, t_build) = timed(lambda: write_xlsx(national, rows))
    n_jambi = write_xlsx(jambi, [r for r in rows if r[0].startswith("15.")])
    line(
        "built national roster xlsx (not timed below)",
        f"{n_national:,} rows, {national.stat().st_size / 1e6:.1f} MB, {t_build:.1f} s",
    )

    print("\n== Jambi roster through the service (the page and the admin do the same)")
    data = jambi.read_bytes()
    with CaptureQueriesContext(connection) as q_preview:
        preview, t_preview = timed(
            lambda: import_file(kind="cooperatives", data=data, file_name=jambi.name, user=user, dry_run=True)
        )
    with CaptureQueriesContext(connection) as q_confirm:
        confirm, t_confirm = timed(
            lambda: import_file(kind="cooperatives", data=data, file_name=jambi.name, user=user, dry_run=False)
        )
    again, t_again = timed(
        lambda: import_file(kind="cooperatives", data=data, file_name=jambi.name, user=user, dry_run=True)
    )
    assert confirm.written and again.counts["unchanged"] == n_jambi, (confirm.errors[:3], again.counts)
    line(f"preview ({n_jambi:,} rows, {len(q_preview)} queries)", f"{t_preview:6.2f} s")
    line(f"confirm ({confirm.counts['new']:,} new, {len(q_confirm)} queries)", f"{t_confirm:6.2f} s")
    line("preview + confirm (target <= 3 s)", f"{t_preview + t_confirm:6.2f} s")
    line("same file again: preview (all unchanged)", f"{t_again:6.2f} s")

    print("\n== National roster through `manage.py import_roster cooperatives` (child process)")
    Cooperative.objects.all().delete()
    t_command, peak_mb, summary = run_import_roster(national)
    print("   " + summary)
    line(f"wall time incl. start-up and xlsx parsing ({n_national:,} rows, target <= 20 s)", f"{t_command:6.2f} s")
    line("peak memory of the command (max RSS, target <= 300 MB)", f"{peak_mb:6.0f} MB")
    ours = n_national / t_command
    line("throughput: import_roster", f"{ours:8,.0f} rows/s")

    t_again, peak_again, _summary = run_import_roster(national, "--dry-run")
    line("same national file again (--dry-run, all unchanged)", f"{t_again:6.2f} s")
    line("   its peak memory (every existing cooperative compared)", f"{peak_again:6.0f} MB")

    update_csv = national_update(user, t_command, n_national)
    jobs_at_national_scale(update_csv)

    print("\n== Baselines on the same rows")
    Cooperative.objects.all().delete()
    villages = {r.code: r for r in Region.objects.filter(level=Region.Level.VILLAGE)}

    def raw():
        with transaction.atomic():
            cooperatives = []
            for row in rows:
                village = villages[row[0]]
                cooperatives.append(
                    Cooperative(
                        village=village,
                        name=row[4],
                        kind=Cooperative.kind_for(village),
                        formation_scheme=row[5],
                        musdesus_date=row[6],
                        members_count=row[9],
                    )
                )
            Cooperative.objects.bulk_create(cooperatives, batch_size=2000)
            if any(c.pk is None for c in cooperatives):
                ids = dict(Cooperative.objects.values_list("village_id", "pk"))
                for c in cooperatives:
                    c.pk = ids[c.village_id]
            BusinessUnit.objects.bulk_create(
                [BusinessUnit(cooperative_id=c.pk, unit_type="kantor", status="construction") for c in cooperatives],
                batch_size=2000,
            )

    _none, t_raw = timed(raw)
    raw_rate = n_national / t_raw
    line("raw bulk_create (objects built in Python, no parsing/validation)", f"{t_raw:6.2f} s  {raw_rate:8,.0f} rows/s")

    Cooperative.objects.filter(village__code__startswith="32.").delete()  # West Java: a sample to re-import
    sample = [r for r in rows if r[0].startswith("32.")][:SAMPLE_DEFAULT]
    dataset = tablib.Dataset(headers=DefaultCooperativeResource.Meta.fields)
    for row in sample:
        village = villages[row[0]]
        dataset.append([row[0], row[4], Cooperative.kind_for(village), row[5], row[6], None, row[9]])
    result, t_default = timed(lambda: DefaultCooperativeResource().import_data(dataset, dry_run=False))
    assert not result.has_errors() and not result.has_validation_errors()
    default_rate = len(sample) / t_default
    line(
        f"django-import-export default ModelResource ({len(sample):,}-row sample)",
        f"{t_default:6.2f} s  {default_rate:8,.0f} rows/s",
    )

    print("\n== Throughput of import_roster")
    line("vs raw bulk_create (target >= 0.33)", f"{ours / raw_rate:6.2f}x")
    line("vs django-import-export default (target >= 10)", f"{ours / default_rate:6.1f}x")


if __name__ == "__main__":
    main()
