"""Two months of Jambi field reports (October and November 2025) for the demo's BAs: most
approved, some late, some returned or still in draft, a few missing; visits across each
caseload; field problems in the categories the field names, some resolved. Deterministic and
bulk-written (like the rest of the demo, without history rows)."""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative
from reports.models import Activity, FieldProblem, MonthlyReport, ProblemNote, ReportCooperative
from reports.services import due_date, month_end

MONTHS = [dt.date(2025, 10, 1), dt.date(2025, 11, 1)]
# Share of BAs per state, by month: October is mostly done, November still being reviewed.
STATES = {
    MONTHS[0]: [("approved", 0.86), ("submitted", 0.04), ("returned", 0.03), ("draft", 0.03), ("missing", 0.04)],
    MONTHS[1]: [("approved", 0.55), ("submitted", 0.24), ("returned", 0.07), ("draft", 0.07), ("missing", 0.07)],
}
AREAS = [a for a, _label in Activity.Area.choices]
AREA_WEIGHTS = [14, 12, 8, 16, 7, 3, 9, 4, 2, 6]
NO_VISIT = [
    "Jalan ke desa terputus karena banjir.",
    "Pengurus sedang di luar desa; koordinasi lewat grup WhatsApp.",
    "BA sakit pada pekan yang dijadwalkan.",
]
OUTCOMES = {
    "outlet": "Memeriksa kesiapan lokasi gerai bersama ketua.",
    "plans": "Menyusun rencana kerja dan rencana bisnis tahun pertama.",
    "governance": "Membahas SOP gerai dan pembagian tugas pengurus.",
    "simkopdes": "Memperbarui data anggota dan pengurus di SIMKOPDES.",
    "partnership": "Menjajaki kemitraan dengan pemasok sembako setempat.",
    "musdesus": "Mendampingi persiapan musyawarah desa khusus.",
    "loan": "Melengkapi berkas proposal pembiayaan Himbara.",
    "training": "Mengajak pengurus mengikuti pelatihan perkoperasian.",
    "rat": "Membantu persiapan Rapat Anggota Tahunan.",
    "bookkeeping": "Melatih bendahara mencatat kas harian.",
}
PROBLEMS = [
    ("PERMODALAN", "Modal awal dari simpanan anggota belum mencapai Rp 2 juta."),
    ("LAHAN", "Lahan gerai belum bersertifikat; menunggu hibah dari desa."),
    ("BANGUNAN_RAB", "Biaya timbunan dan sambungan listrik tidak ada di RAB."),
    ("PERBANKAN", "Bank meminta agunan; ketua terkendala riwayat kredit."),
    ("REGULASI", "Pengurus bingung dengan perubahan petunjuk teknis pembiayaan."),
    ("SDM_PENGURUS", "Pengurus belum mengenal calon mitra pasar."),
    ("PASAR_MITRA", "Belum ada offtaker untuk hasil panen anggota."),
    ("KEANGGOTAAN", "Minat warga menjadi anggota masih rendah."),
    ("DATA_SIMKOPDES", "Data AHU dan SIMKOPDES tidak sama; akun belum terverifikasi."),
    ("KONFLIK", "Perbedaan pendapat pengurus dan kepala desa soal lokasi gerai."),
    ("PERSAINGAN", "Toko dan BUMDes setempat sudah menjual barang yang sama."),
    ("KLINIK_APOTEK", "Belum ada tenaga apoteker untuk unit apotek desa."),
    ("HONOR", "Honor BA bulan lalu belum diterima."),
]
PROBLEM_WEIGHTS = [14, 12, 8, 9, 5, 8, 7, 6, 10, 3, 4, 3, 2]


def _pick_state(rng, month):
    roll, total = rng.random(), 0.0
    for state, share in STATES[month]:
        total += share
        if roll < total:
            return state
    return STATES[month][-1][0]


def _at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def seed_reports(province: str) -> int:
    """The demo's two months of reports in `province`; 0 if they are already there."""
    bas = list(
        Assistant.objects.business_assistants()
        .filter(work_area__code__startswith=f"{province}.")
        .select_related("user")
        .order_by("pk")
    )
    if not bas or MonthlyReport.objects.filter(assistant__in=bas, month__in=MONTHS).exists():
        return 0
    rng = random.Random(1585)
    caseloads = defaultdict(list)
    for ba_id, cooperative_id in (
        Assignment.objects.filter(assistant__in=bas, start_date__lte=month_end(MONTHS[-1]))
        .filter(end_date__isnull=True)
        .values_list("assistant_id", "cooperative_id")
    ):
        caseloads[ba_id].append(cooperative_id)
    reviewer = User.objects.filter(username="pmo.kotajambi").first()
    reports, plans = [], []
    for ba in bas:
        if not caseloads[ba.pk]:
            continue
        for month in MONTHS:
            state = _pick_state(rng, month)
            if state == "missing":
                continue
            due = due_date(month)
            first = due + dt.timedelta(days=rng.choice([-4, -3, -2, -1, -1, 0, 0, 2, 5]))
            report = MonthlyReport(
                assistant=ba,
                month=month,
                status=state,
                summary=f"Mendampingi {len(caseloads[ba.pk])} koperasi; fokus pada SIMKOPDES dan rencana bisnis.",
                next_month_plan="Melanjutkan persiapan gerai dan proposal pembiayaan.",
            )
            if state != "draft":
                report.first_submitted_at = report.submitted_at = _at(first, 10)
                report.late = first > due
                report.submitted_by = ba.user
            if state in ("approved", "returned"):
                report.reviewed_at = _at(first + dt.timedelta(days=2), 14)
                report.reviewed_by = reviewer if ba.work_area_id == "15.71" else None
                report.review_note = "Lengkapi hasil kunjungan per koperasi." if state == "returned" else ""
            reports.append(report)
            plans.append((report, state))
    MonthlyReport.objects.bulk_create(reports, batch_size=500)

    sections, activity_plans = [], []
    for report, state in plans:
        last = month_end(report.month)
        for cooperative_id in caseloads[report.assistant_id]:
            no_visit = state != "draft" and rng.random() < 0.07
            section = ReportCooperative(
                report=report,
                cooperative_id=cooperative_id,
                accompanied_from=report.month,
                accompanied_until=last,
                no_visit_reason=rng.choice(NO_VISIT) if no_visit else "",
            )
            sections.append(section)
            if no_visit or (state == "draft" and rng.random() < 0.4):
                continue
            activity_plans.append((section, rng.choices([1, 2, 3], weights=[5, 4, 1])[0]))
    ReportCooperative.objects.bulk_create(sections, batch_size=1000)

    activities = []
    for section, count in activity_plans:
        for _ in range(count):
            area = rng.choices(AREAS, weights=AREA_WEIGHTS)[0]
            day = section.accompanied_from + dt.timedelta(days=rng.randrange(0, 27))
            activities.append(
                Activity(
                    section=section,
                    date=day,
                    mode=rng.choices(["in_person", "phone", "online"], weights=[7, 2, 1])[0],
                    area=area,
                    outcome=OUTCOMES[area],
                    next_step="Tindak lanjut pada kunjungan berikutnya.",
                    next_step_date=day + dt.timedelta(days=14),
                )
            )
    Activity.objects.bulk_create(activities, batch_size=2000)

    village_of = dict(
        Cooperative.objects.filter(pk__in={c for ids in caseloads.values() for c in ids}).values_list(
            "pk", "village_id"
        )
    )
    problems = []
    for report, state in plans:
        if state == "draft":
            continue
        for cooperative_id in caseloads[report.assistant_id]:
            if rng.random() >= 0.12:
                continue
            category, text = rng.choices(PROBLEMS, weights=PROBLEM_WEIGHTS)[0]
            closed = report.month == MONTHS[0] and rng.random() < 0.45
            problems.append(
                FieldProblem(
                    assistant_id=report.assistant_id,
                    cooperative_id=cooperative_id,
                    region_id=village_of[cooperative_id],
                    report=report,
                    category=category,
                    severity=rng.choices(["low", "medium", "high", "critical"], weights=[2, 5, 3, 1])[0],
                    description=text,
                    level=rng.choices(["pmo", "regency", "province"], weights=[7, 2, 1])[0],
                    status=("resolved" if rng.random() < 0.8 else "not_solvable")
                    if closed
                    else rng.choice(["open", "in_progress"]),
                    resolution="Diselesaikan bersama pemerintah desa." if closed else "",
                    due_date=month_end(report.month) + dt.timedelta(days=rng.choice([10, 20, 40])),
                    raised_by=report.assistant.user,
                    closed_at=_at(month_end(report.month) + dt.timedelta(days=20)) if closed else None,
                )
            )
    FieldProblem.objects.bulk_create(problems, batch_size=1000)
    # raised_at is auto_now_add: date the demo's problems in their month instead of today.
    for problem in problems:
        problem.raised_at = _at(problem.report.month + dt.timedelta(days=rng.randrange(3, 25)), 11)
    FieldProblem.objects.bulk_update(problems, ["raised_at"], batch_size=1000)
    ProblemNote.objects.bulk_create(
        [
            ProblemNote(problem=p, text="Dikoordinasikan dengan pemerintah desa dan PMO.", written_by=reviewer)
            for p in problems
            if p.status != "open"
        ],
        batch_size=1000,
    )
    return len(reports)
