import datetime as dt

import pytest

from assistants.models import Assignment
from cooperatives.models import Cooperative
from tests.factories import AssistantFactory


@pytest.fixture
def free_kota_jambi(demo):
    """Twenty Kota Jambi cooperatives without a BA (their demo assignments ended)."""
    cooperatives = list(Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village")[:20])
    Assignment.objects.active().filter(cooperative__in=cooperatives).update(end_date=dt.date(2025, 11, 1))
    return cooperatives


@pytest.fixture
def new_ba(demo):
    return AssistantFactory()
