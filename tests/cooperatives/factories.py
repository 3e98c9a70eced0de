"""Factories for regions, cooperatives, business units and board members.

Tests that start from an empty database (the transactional ones: races, browser) take Jambi's
real region list (`jambi_regions()`, about 0.2 s) and make the few cooperatives they need here,
instead of the 1,585-cooperative demo."""

import datetime as dt

import factory
from django.db import transaction

from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region
from cooperatives.services import load_regions

JAMBI = "15"
BOARD_OF_FIVE = [
    BoardMember.Position.CHAIR,
    BoardMember.Position.VICE_CHAIR_BUSINESS,
    BoardMember.Position.VICE_CHAIR_MEMBERSHIP,
    BoardMember.Position.SECRETARY,
    BoardMember.Position.TREASURER,
]


_jambi_rows = []  # this process's copy of Jambi's rows, parents first, after the first load


def jambi_regions():
    """The real Kemendagri regions of Jambi (province, regencies, districts, 1,585 villages).
    The first call in a process loads them with the service (which reads the national files);
    later ones, after a flush, write the same rows again at once."""
    if Region.objects.filter(code=JAMBI).exists():
        return
    if not _jambi_rows:
        load_regions([JAMBI])
        rows = Region.objects.filter(code__startswith=JAMBI).values("code", "name", "level", "parent_id", "kind")
        _jambi_rows.extend(sorted(rows, key=lambda row: (len(row["code"]), row["code"])))
        return
    with transaction.atomic():
        Region.objects.bulk_create([Region(**row) for row in _jambi_rows], batch_size=500)


class VillageFactory(factory.django.DjangoModelFactory):
    """A new kelurahan in Kecamatan Danau Teluk, Kota Jambi (codes 15.71.01.19xx are unused)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"15.71.01.{1900 + n % 100:04d}")
    name = factory.Sequence(lambda n: f"Kelurahan Uji {n}")
    level = Region.Level.VILLAGE
    parent_id = "15.71.01"
    kind = Region.VillageKind.KELURAHAN


class CooperativeFactory(factory.django.DjangoModelFactory):
    """A cooperative named by the official rule; `board=True` gives it a board of five, as in
    the demo."""

    class Meta:
        model = Cooperative
        skip_postgeneration_save = True

    village = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda o: Cooperative.official_name(o.village))
    kind = factory.LazyAttribute(lambda o: Cooperative.kind_for(o.village))

    @factory.post_generation
    def board(self, create, extracted, **kwargs):
        if create and extracted:
            for position in BOARD_OF_FIVE:
                BoardMemberFactory(cooperative=self, position=position)


def cooperatives_in(region_code, count, board=False):
    """Cooperatives for the first `count` real villages (by code) under a region that have none
    yet, e.g. cooperatives_in("15.71", 20): twenty Kota Jambi cooperatives; with `board=True`
    each has a board of five, as in the demo."""
    jambi_regions()
    villages = Region.objects.filter(
        level=Region.Level.VILLAGE, code__startswith=f"{region_code}.", cooperative__isnull=True
    ).order_by("code")[:count]
    made = [CooperativeFactory(village=village) for village in villages]
    assert len(made) == count, f"{region_code} has only {len(made)} villages without a cooperative"
    if board:  # in one statement (without history records): 68 boards take 0.1 s instead of 1.5
        BoardMember.objects.bulk_create(
            [BoardMemberFactory.build(cooperative=c, position=position) for c in made for position in BOARD_OF_FIVE]
        )
    return made


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit

    cooperative = factory.SubFactory(CooperativeFactory)
    unit_type = BusinessUnit.Type.GROCERY


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Pengurus {n}")
    nik = factory.Sequence(lambda n: f"157101010190{n % 9000 + 1:04d}")
    gender = BoardMember.Gender.MALE
    position = BoardMember.Position.SUPERVISOR
    term_start = dt.date(2025, 5, 1)
