"""Factories for training data beyond the demo's two cohorts."""

import datetime as dt

import factory

from trainings.models import Cohort, TrainingProgram


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgram

    title = factory.Sequence(lambda n: f"Program uji {n}")
    audience = TrainingProgram.Audience.STAFF
    hours = 24


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    number = 1
    start_date = dt.date(2026, 3, 2)
    end_date = dt.date(2026, 3, 6)  # five days
    venue = "Aula Dinas Koperasi Kota Jambi"
    organizer = "Dinas Koperasi dan UKM Kota Jambi"
    region_id = "15.71"
    capacity = 30
