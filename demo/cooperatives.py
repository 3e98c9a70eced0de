"""Deterministic demo cooperatives: varied milestones, business units and a board of five.

Each cooperative's variety comes from a random generator seeded with its village code, so the
demo is the same on every machine and re-running it changes nothing.
"""

import datetime as dt
import random

from django.db import transaction

from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region

MALE_NAMES = [
    "Ahmad",
    "Budi",
    "Syahrial",
    "Hasan",
    "Irwan",
    "Zulkifli",
    "Rahmat",
    "Junaidi",
    "M. Yusuf",
    "Darmawan",
    "Firdaus",
    "Hendra",
    "Edi",
    "Saiful",
    "Taufik",
    "Arman",
]
FEMALE_NAMES = [
    "Siti",
    "Nurhayati",
    "Rina",
    "Yulianti",
    "Fitri",
    "Dewi",
    "Herlina",
    "Marlina",
    "Sri Wahyuni",
    "Rosmiati",
    "Aisyah",
    "Lestari",
    "Mega",
    "Nurjanah",
    "Wati",
    "Desi",
]
FAMILY_NAMES = [
    "Saputra",
    "Hidayat",
    "Harahap",
    "Siregar",
    "Nasution",
    "Lubis",
    "Pratama",
    "Kurniawan",
    "Wijaya",
    "Syahputra",
    "Rahman",
    "Effendi",
    "Sulaiman",
    "Hakim",
]
STREETS = ["Lintas Sumatera", "Pendidikan", "Masjid Raya", "Pasar", "Kantor Desa", "Sultan Thaha", "Merdeka"]
BOARD_OF_FIVE = [
    BoardMember.Position.CHAIR,
    BoardMember.Position.VICE_CHAIR_BUSINESS,
    BoardMember.Position.VICE_CHAIR_MEMBERSHIP,
    BoardMember.Position.SECRETARY,
    BoardMember.Position.TREASURER,
]
OPTIONAL_UNITS = [
    (BusinessUnit.Type.GROCERY, 0.8),
    (BusinessUnit.Type.PHARMACY, 0.35),
    (BusinessUnit.Type.SAVINGS_LOANS, 0.3),
    (BusinessUnit.Type.CLINIC, 0.15),
    (BusinessUnit.Type.COLD_STORAGE, 0.1),
    (BusinessUnit.Type.LOGISTICS, 0.1),
]


def _day(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _milestones(rng):
    d = dt.date
    dates = {"musdesus_date": _day(rng, d(2025, 4, 14), d(2025, 5, 31))}
    dates["notary_deed_date"] = dates["musdesus_date"] + dt.timedelta(days=rng.randint(5, 30))
    dates["legal_entity_date"] = max(dates["notary_deed_date"] + dt.timedelta(days=rng.randint(3, 20)), d(2025, 6, 1))
    if rng.random() < 0.9:
        dates["simkopdes_date"] = _day(rng, d(2025, 8, 1), d(2025, 11, 20))
    if rng.random() < 0.6:
        dates["business_plan_date"] = _day(rng, d(2025, 10, 1), d(2026, 2, 28))
        if rng.random() < 0.5:
            dates["loan_proposal_date"] = dates["business_plan_date"] + dt.timedelta(days=rng.randint(10, 60))
            if rng.random() < 0.4:
                dates["outlet_operating_date"] = _day(rng, d(2026, 3, 1), d(2026, 10, 31))
    return dates


def _person(rng, district_code):
    female = rng.random() < 0.35
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    born = _day(rng, dt.date(1965, 1, 1), dt.date(2000, 12, 31))
    day = born.day + (40 if female else 0)
    nik = f"{district_code.replace('.', '')}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
    phone = (
        f"08{rng.choice(['11', '12', '13', '21', '22', '52', '53', '77', '78'])}{rng.randint(10_000_000, 99_999_999)}"
    )
    return {
        "name": f"{first} {rng.choice(FAMILY_NAMES)}",
        "gender": BoardMember.Gender.FEMALE if female else BoardMember.Gender.MALE,
        "nik": nik,
        "phone": phone,
    }


@transaction.atomic
def seed_cooperatives(province_code):
    """Create the missing cooperatives of a province (one per village) with units and boards.
    Returns the number created; existing cooperatives are left as they are."""
    villages = list(
        Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith=f"{province_code}.", cooperative__isnull=True
        )
    )
    cooperatives = []
    for village in villages:
        rng = random.Random(village.code)
        cooperatives.append(
            Cooperative(
                village=village,
                name=Cooperative.official_name(village),
                kind=Cooperative.kind_for(village),
                formation_scheme=rng.choices(list(Cooperative.Scheme), weights=[85, 10, 5])[0],
                members_count=rng.randint(40, 450),
                address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 120)}, {village.name}",
                **_milestones(rng),
            )
        )
    Cooperative.objects.bulk_create(cooperatives, batch_size=2000)
    # Re-read to get primary keys on every database.
    created = Cooperative.objects.filter(village__in=[v.code for v in villages]).select_related("village")
    units, members = [], []
    for cooperative in created:
        rng = random.Random("units-" + cooperative.village_id)
        operating = cooperative.outlet_operating_date is not None
        units.append(
            BusinessUnit(
                cooperative=cooperative,
                unit_type=BusinessUnit.Type.OFFICE,
                status=BusinessUnit.Status.OPERATING if operating else BusinessUnit.Status.CONSTRUCTION,
                started_on=cooperative.outlet_operating_date,
            )
        )
        for unit_type, share in OPTIONAL_UNITS:
            if rng.random() < share:
                status = rng.choice(list(BusinessUnit.Status)) if operating else BusinessUnit.Status.PLANNED
                units.append(
                    BusinessUnit(
                        cooperative=cooperative,
                        unit_type=unit_type,
                        status=status,
                        started_on=cooperative.outlet_operating_date
                        if status == BusinessUnit.Status.OPERATING
                        else None,
                    )
                )
        rng = random.Random("board-" + cooperative.village_id)
        for position in BOARD_OF_FIVE:
            members.append(
                BoardMember(
                    cooperative=cooperative,
                    position=position,
                    term_start=cooperative.musdesus_date,
                    term_end=dt.date(cooperative.musdesus_date.year + 5, cooperative.musdesus_date.month, 1),
                    **_person(rng, cooperative.village.parent_id),
                )
            )
    BusinessUnit.objects.bulk_create(units, batch_size=2000)
    BoardMember.objects.bulk_create(members, batch_size=2000)
    return len(cooperatives)
