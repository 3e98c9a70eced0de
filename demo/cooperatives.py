"""Deterministic demo cooperatives: varied milestones, business units and a board of five.

Each cooperative's variety comes from a random generator seeded with its village code, so the
demo is the same on every machine and re-running it changes nothing.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Partnership, Region

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


def _milestones(rng, today=None):
    """Formation milestones, then what follows (SIMKOPDES, the outlet build, the loan pipeline),
    each step after the one it needs and none after today. Shares follow the sources in
    ../shared/domain.md §8: about 13% of Jambi's outlet sites in progress at the end of 2025."""
    d = dt.date
    today = today or timezone.localdate()
    dates = {"musdesus_date": _day(rng, d(2025, 4, 14), d(2025, 5, 31))}
    dates["notary_deed_date"] = dates["musdesus_date"] + dt.timedelta(days=rng.randint(5, 30))
    dates["legal_entity_date"] = max(dates["notary_deed_date"] + dt.timedelta(days=rng.randint(3, 20)), d(2025, 6, 1))
    if rng.random() < 0.9:
        dates["simkopdes_date"] = _day(rng, d(2025, 8, 1), d(2025, 11, 20))
        dates["simkopdes_updated_date"] = min(today, dates["simkopdes_date"] + dt.timedelta(days=rng.randint(0, 480)))
    if rng.random() < 0.6:
        dates["business_plan_date"] = _day(rng, d(2025, 10, 1), d(2026, 2, 28))
    dates |= _loan_pipeline(rng, dates, today)
    dates |= _outlet_build(rng, today)
    return {field: day for field, day in dates.items() if not isinstance(day, dt.date) or day <= today}


# Pipeline steps after the account: (field, share of those at the step before that go on, days after it).
LOAN_FOLLOW_UPS = [
    ("simkopdes_verified_date", 0.9, (5, 60)),
    ("profile_complete_date", 0.85, (5, 90)),
    ("loan_proposal_date", 0.6, (10, 120)),
    ("village_approval_date", 0.85, (3, 30)),
    ("bank_submitted_date", 0.9, (3, 30)),
    ("bank_verified_date", 0.75, (14, 60)),
    ("loan_agreement_date", 0.85, (7, 30)),
    ("loan_disbursed_date", 0.9, (7, 30)),
    ("repayment_start_date", 1.0, (180, 240)),  # 6-8 months of grace (PMK 49/2025)
]


def _loan_pipeline(rng, dates, today):
    if "simkopdes_date" not in dates:
        return {}
    steps, previous = {}, dates["simkopdes_date"]
    for field, share, (low, high) in LOAN_FOLLOW_UPS:
        if rng.random() >= share:
            break
        previous = previous + dt.timedelta(days=rng.randint(low, high))
        if field == "loan_proposal_date" and "business_plan_date" in dates:
            previous = max(previous, dates["business_plan_date"])
        if previous > today:
            break
        steps[field] = previous
    if "bank_submitted_date" in steps:
        steps["loan_bank"] = rng.choices(["BRI", "BNI", "MANDIRI", "BTN", "BSI"], weights=[55, 55, 55, 25, 10])[0]
    if "loan_proposal_date" in steps:
        steps["loan_amount_requested"] = rng.randint(10, 30) * 100_000_000
    if "loan_agreement_date" in steps:
        share = rng.choice([0.5, 0.6, 0.75, 0.8, 1.0])
        steps["loan_amount_approved"] = int(steps["loan_amount_requested"] * share) // 1_000_000 * 1_000_000
    return steps


def _outlet_build(rng, today):
    """Land, then construction (Oct 2025 onwards), then the outlet operating; a warehouse or cold
    storage for about a third."""
    d = dt.date
    build = {"land_status": rng.choices(["none", "proposed", "verified", "ready"], weights=[8, 12, 15, 65])[0]}
    if build["land_status"] != "ready" or rng.random() >= 0.8:
        return build
    started = _day(rng, d(2025, 10, 1), d(2026, 9, 30))
    if started > today:
        return build
    duration = rng.randint(90, 200)
    build |= {"construction_status": "started", "construction_started_date": started}
    finished = started + dt.timedelta(days=duration)
    if finished <= today:
        build |= {
            "construction_status": "finished",
            "construction_finished_date": finished,
            "construction_percent": 100,
        }
        operating = finished + dt.timedelta(days=rng.randint(7, 45))
        if operating <= today:
            build["outlet_operating_date"] = operating
    else:
        build["construction_percent"] = min(95, 100 * (today - started).days // duration)
    if rng.random() < 0.35:
        w_started = started + dt.timedelta(days=rng.randint(0, 60))
        if w_started <= today:
            w_finished = w_started + dt.timedelta(days=rng.randint(60, 150))
            build |= {"warehouse_status": "started", "warehouse_started_date": w_started}
            if w_finished <= today:
                build |= {
                    "warehouse_status": "finished",
                    "warehouse_finished_date": w_finished,
                    "warehouse_percent": 100,
                }
                if w_finished + dt.timedelta(days=14) <= today:
                    build["warehouse_operating_date"] = w_finished + dt.timedelta(days=14)
            else:
                build["warehouse_percent"] = min(95, 100 * (today - w_started).days // (w_finished - w_started).days)
        else:
            build["warehouse_status"] = "not_started"
    return build


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
    units, members, partnerships = [], [], []
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
        partnerships.extend(_partnerships(cooperative))
    BusinessUnit.objects.bulk_create(units, batch_size=2000)
    BoardMember.objects.bulk_create(members, batch_size=2000)
    Partnership.objects.bulk_create(partnerships, batch_size=2000)
    return len(cooperatives)


def _partnerships(cooperative):
    """An operating outlet takes Koperasi Manis's consignment (MoU of 29 Sep 2025) in about half the
    cases; a few supply a free-meals kitchen (199 KDKMP nationally by January 2026) or sell LPG."""
    if cooperative.outlet_operating_date is None:
        return []
    rng = random.Random("partners-" + cooperative.village_id)
    opened = cooperative.outlet_operating_date
    found = []
    for partner, kind, share, value in [
        ("Koperasi Manis (Koperasi Kana)", Partnership.Kind.SUPPLY, 0.5, 2_000_000),
        ("Dapur SPPG (MBG) setempat", Partnership.Kind.MBG, 0.08, rng.randint(15, 60) * 1_000_000),
        ("Pangkalan LPG 3 kg Pertamina", Partnership.Kind.AGENCY, 0.2, rng.randint(3, 12) * 1_000_000),
    ]:
        if rng.random() < share:
            found.append(
                Partnership(
                    cooperative=cooperative,
                    partner=partner,
                    kind=kind,
                    started_on=opened + dt.timedelta(days=rng.randint(0, 30)),
                    status=Partnership.Status.ACTIVE,
                    monthly_value=value,
                )
            )
    today = timezone.localdate()
    return [p for p in found if p.started_on <= today]
