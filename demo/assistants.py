"""Jambi's program staff for the demo: 24 PMO (2 provincial, 2 per regency/city), 156 BA spread
over the regencies in proportion to their cooperatives, 38 other pendamping (22 PPKL, 2 per
regency/city, and 16 provincial Dumisake pendamping). Deterministic: the same people every run."""

import datetime as dt
import random

from django.db import transaction

from assistants.models import Assistant
from cooperatives.models import Cooperative, Region
from demo.cooperatives import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES

JAMBI_BA = 156
CONTRACT = (dt.date(2025, 10, 1), dt.date(2026, 12, 31))


def share_by_largest_remainder(total, weights):
    """Split `total` over keys in proportion to weights; the sum is exactly `total`."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:leftover]:
        shares[key] += 1
    return shares


def _person(rng, area_code, serial):
    female = rng.random() < 0.4
    born = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
    day = born.day + (40 if female else 0)
    area = (area_code.replace(".", "") + "0101")[:6]
    return {
        "name": f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(FAMILY_NAMES)}",
        "gender": Assistant.Gender.FEMALE if female else Assistant.Gender.MALE,
        "nik": f"{area}{day:02d}{born:%m%y}{serial:04d}",
        "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
    }


def demo_staff(province_code):
    """[(role, work area code, supervisor key or None, key)] in a fixed order."""
    regencies = list(Region.objects.filter(parent_id=province_code, level=Region.Level.REGENCY).order_by("code"))
    counts = {r.code: Cooperative.objects.filter(village__code__startswith=f"{r.code}.").count() for r in regencies}
    ba_per_regency = share_by_largest_remainder(JAMBI_BA, counts)
    staff = [(Assistant.Role.PMO, province_code, None, f"pmo-{province_code}-{i}") for i in (1, 2)]
    for index, regency in enumerate(regencies):
        provincial_pmo = f"pmo-{province_code}-{index % 2 + 1}"
        staff += [(Assistant.Role.PMO, regency.code, provincial_pmo, f"pmo-{regency.code}-{i}") for i in (1, 2)]
        staff += [
            (Assistant.Role.BA, regency.code, f"pmo-{regency.code}-{i % 2 + 1}", f"ba-{regency.code}-{i}")
            for i in range(ba_per_regency[regency.code])
        ]
        staff += [(Assistant.Role.PPKL, regency.code, None, f"ppkl-{regency.code}-{i}") for i in (1, 2)]
    staff += [(Assistant.Role.DUMISAKE, province_code, None, f"dumisake-{i}") for i in range(16)]
    return staff


@transaction.atomic
def seed_assistants(province_code):
    """Create the demo staff that do not exist yet (matched by NIK). Returns the number created."""
    by_key = {}
    existing = set(Assistant.objects.values_list("nik", flat=True))
    created = 0
    for serial, (role, area, supervisor_key, key) in enumerate(demo_staff(province_code), start=1):
        rng = random.Random(key)
        person = _person(rng, area, serial)
        if person["nik"] in existing:
            by_key[key] = Assistant.objects.get(nik=person["nik"])
            continue
        assistant = Assistant.objects.create(
            role=role,
            work_area_id=area,
            supervisor=by_key.get(supervisor_key),
            contract_start=CONTRACT[0],
            contract_end=CONTRACT[1],
            **person,
        )
        by_key[key] = assistant
        created += 1
    return created


PLANNER_REASON = "Penugasan awal (perencana otomatis)"


@transaction.atomic
def seed_assignments(province_code):
    """Planner-made assignments from 1 October 2025 (when BAs started work) for each regency
    that has none yet; the shortfall stays visible. Returns the number created."""
    from assistants.models import Assignment
    from assistants.planner import apply_plan, plan_regency

    created = 0
    for regency in Region.objects.filter(parent_id=province_code, level=Region.Level.REGENCY).order_by("code"):
        if Assignment.objects.filter(cooperative__village__code__startswith=f"{regency.code}.").exists():
            continue
        plan = plan_regency(regency)
        created += len(apply_plan(plan, by=None, reason=PLANNER_REASON, start_date=CONTRACT[0]))
    return created
