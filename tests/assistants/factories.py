"""Factories for program staff (PMO, BA, other pendamping) and their assignments."""

import datetime as dt

import factory

from assistants.models import Assignment, Assistant


class AssistantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assistant

    name = factory.Sequence(lambda n: f"Asisten Uji {n}")
    nik = factory.Sequence(lambda n: f"157101150590{n % 9000 + 1:04d}")
    gender = Assistant.Gender.MALE
    role = Assistant.Role.BA
    work_area_id = "15.71"


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An active assignment since 1 October 2025, when the BAs started work (written directly:
    tests of the rules go through assistants.services)."""

    class Meta:
        model = Assignment

    assistant = factory.SubFactory(AssistantFactory)
    cooperative = factory.SubFactory("tests.cooperatives.factories.CooperativeFactory")
    start_date = dt.date(2025, 10, 1)
