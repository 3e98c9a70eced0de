"""Demo trainings for Jambi, through the services (so the demo obeys the same rules as users):

- "Pelatihan Peningkatan Kompetensi Pendamping KDKMP", 27–31 October 2025 at BPSDM Provinsi
  Jambi: all 218 program staff (24 PMO, 156 BA, 38 PPKL and Dumisake pendamping);
- a board training for the 68 KKMP of Kota Jambi (the board of five of each).

Attendance and scores come from random generators seeded per person, so every run gives the
same figures: most attend every day, a few miss one day (still 80%), a handful miss more or fail
the post-test and do not complete. Idempotent: an existing cohort is left alone.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from assistants.models import Assistant
from cooperatives.models import BoardMember
from trainings import services
from trainings.models import Cohort, Enrollment, TrainingProgram

STAFF_PROGRAM = {
    "title": "Pelatihan Peningkatan Kompetensi Pendamping KDKMP",
    "audience": TrainingProgram.Audience.STAFF,
    "topics": "Tata kelola koperasi; digitalisasi dan SIMKOPDES; model bisnis gerai; pembukuan koperasi; "
    "hubungan industrial Pancasila; inovasi desa; penyusunan proposal pembiayaan Himbara",
    "hours": 40,
    "attendance_threshold": 80,
    "pass_mark": Decimal("65"),
}
STAFF_COHORT = {
    "number": 1,
    "start_date": dt.date(2025, 10, 27),
    "end_date": dt.date(2025, 10, 31),
    "venue": "BPSDM Provinsi Jambi",
    "organizer": "Dinas Koperasi dan UKM Provinsi Jambi",
    "trainers": "Dinas Koperasi dan UKM Provinsi Jambi; Widyaiswara BPSDM Provinsi Jambi; "
    "Dosen Fakultas Ekonomi dan Bisnis Universitas Jambi",
    "capacity": 220,
}
BOARD_PROGRAM = {
    "title": "Pelatihan Pengurus Koperasi Kelurahan Merah Putih",
    "audience": TrainingProgram.Audience.BOARD,
    "positions": [
        BoardMember.Position.CHAIR,
        BoardMember.Position.VICE_CHAIR_BUSINESS,
        BoardMember.Position.VICE_CHAIR_MEMBERSHIP,
        BoardMember.Position.SECRETARY,
        BoardMember.Position.TREASURER,
    ],
    "topics": "Prinsip dan tata kelola koperasi; 16 buku administrasi wajib; pengelolaan keuangan dan "
    "pembukuan; rencana bisnis gerai; SIMKOPDES",
    "hours": 24,
    "attendance_threshold": 80,
    "pass_mark": None,
}
BOARD_COHORT = {
    "number": 1,
    "start_date": dt.date(2025, 11, 17),
    "end_date": dt.date(2025, 11, 19),
    "venue": "Aula Dinas Koperasi dan UKM Kota Jambi",
    "organizer": "Dinas Koperasi dan UKM Kota Jambi",
    "trainers": "Dinas Koperasi dan UKM Kota Jambi; PMO Kota Jambi",
    "capacity": 340,
}


def _program(values):
    # Jambi's own programs: the province keeps them (its regencies use them, but do not change them).
    program, _created = TrainingProgram.objects.get_or_create(
        title=values["title"], defaults={**values, "owner_region_id": "15"}
    )
    return program


def _run_cohort(cohort, people, *, scores):
    services.enroll_many(cohort=cohort, people=people)
    enrollments = list(cohort.enrollments.select_related("assistant", "board_member").order_by("pk"))
    # Who misses which days: seeded by the person, so the same every run.
    absent_days = {}
    for enrollment in enrollments:
        rng = random.Random(f"attendance-{enrollment.person.nik}-{cohort.pk}")
        roll = rng.random()
        missed = 0 if roll < 0.92 else 1 if roll < 0.98 else rng.randint(2, 3)
        absent_days[enrollment.pk] = set(rng.sample(cohort.days, min(missed, len(cohort.days))))
        if scores:
            enrollment.pre_test = Decimal(rng.randint(45, 75))
            enrollment.post_test = Decimal(min(100, int(enrollment.pre_test) + rng.randint(12, 35)))
    if scores:
        Enrollment.objects.bulk_update(enrollments, ["pre_test", "post_test"])
    for day in cohort.days:
        services.mark_attendance(cohort=cohort, day=day, absent=[pk for pk, days in absent_days.items() if day in days])
    services.complete_cohort(cohort=cohort)
    services.issue_certificates(cohort=cohort, date=cohort.end_date)


@transaction.atomic
def seed_trainings(province_code):
    """Create the demo cohorts that do not exist yet. Returns the number of cohorts created."""
    created = 0
    program = _program(STAFF_PROGRAM)
    if not Cohort.objects.filter(program=program, region_id=province_code, number=STAFF_COHORT["number"]).exists():
        cohort = Cohort(program=program, region_id=province_code, **STAFF_COHORT)
        cohort.full_clean()
        cohort.save()
        staff = (
            Assistant.objects.filter(Q(work_area_id=province_code) | Q(work_area__code__startswith=f"{province_code}."))
            .active()
            .order_by("pk")
        )
        _run_cohort(cohort, list(staff), scores=True)
        created += 1

    kota_jambi = f"{province_code}.71"
    program = _program(BOARD_PROGRAM)
    if not Cohort.objects.filter(program=program, region_id=kota_jambi, number=BOARD_COHORT["number"]).exists():
        members = list(
            BoardMember.objects.filter(
                cooperative__village__code__startswith=f"{kota_jambi}.", position__in=program.positions
            ).order_by("cooperative__village_id", "pk")
        )
        if members:
            cohort = Cohort(program=program, region_id=kota_jambi, **BOARD_COHORT)
            cohort.full_clean()
            cohort.save()
            _run_cohort(cohort, members, scores=False)
            created += 1
    return created
