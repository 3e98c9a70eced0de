"""Factories for data the demo does not already hold (new villages, users, board members)."""

import datetime as dt

import factory

from accounts.models import User
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region


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
    class Meta:
        model = Cooperative

    village = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda o: Cooperative.official_name(o.village))
    kind = factory.LazyAttribute(lambda o: Cooperative.kind_for(o.village))


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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("rahasia-123")


class AssistantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assistants.Assistant"

    name = factory.Sequence(lambda n: f"Asisten Uji {n}")
    nik = factory.Sequence(lambda n: f"157101150590{n % 9000 + 1:04d}")
    gender = "L"
    role = "BA"
    work_area_id = "15.71"
