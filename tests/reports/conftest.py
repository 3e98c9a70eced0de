import datetime as dt

import pytest
from django.utils import timezone

from assistants.models import Assistant
from reports import services


@pytest.fixture
def ba(demo):
    """The demo BA of Kota Jambi, linked to the ba.kotajambi login, with its caseload."""
    return Assistant.objects.select_related("user", "work_area").get(user__username="ba.kotajambi")


@pytest.fixture
def month():
    """The month before this one: started, and its days all past."""
    return services.previous_month(services.month_start(timezone.localdate()))


@pytest.fixture
def report(ba, month):
    return services.open_report(ba, month, by=ba.user)


def fill(report, by):
    """Give every section one activity (the first day it was accompanied)."""
    for section in report.sections.select_related("cooperative"):
        services.add_activity(
            section, by=by, date=section.accompanied_from, mode="in_person", area="simkopdes", outcome="Data diperbarui"
        )
    return report


@pytest.fixture
def filled(report, ba):
    return fill(report, ba.user)


@pytest.fixture
def submitted(filled, ba):
    return services.submit(filled, by=ba.user)


def days(n):
    return dt.timedelta(days=n)
