from io import StringIO

import pytest
from django.core.management import call_command

from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative, Region

pytestmark = pytest.mark.django_db


def test_seed_scale_for_one_province_is_complete_and_idempotent(demo):
    out = StringIO()
    call_command("seed_scale", "--province", "17", stdout=out)  # Bengkulu, beside the Jambi demo
    villages = Region.objects.filter(level="village", code__startswith="17.").count()
    assert Cooperative.objects.filter(village__code__startswith="17.").count() == villages
    bas = Assistant.objects.filter(role="BA", work_area__code__startswith="17.")
    assert abs(bas.count() - 8000 * villages / 83762) <= 1  # its share of the 8,000
    assert not Assistant.objects.with_load().filter(load__gt=10).exists()
    assert Assignment.objects.active().filter(cooperative__village__code__startswith="17.").count() == min(
        villages, bas.count() * 10
    )
    assert "ready" in out.getvalue()
    from trends.models import DistrictMonth

    bengkulu_months = DistrictMonth.objects.filter(district_code__startswith="17.")
    assert bengkulu_months.values("month").distinct().count() == 12  # a year of national history
    assert sum(bengkulu_months.values_list("cooperatives", flat=True)) == 12 * villages
    from trainings.models import Enrollment

    staff = Assistant.objects.filter(role__in=["PMO", "BA"], work_area__code__startswith="17").count()
    enrolled = Enrollment.objects.filter(region__code__startswith="17")
    assert enrolled.filter(assistant__isnull=False).count() == 2 * staff
    assert enrolled.filter(board_member__isnull=False).count() > villages * 0.9
    before = (Cooperative.objects.count(), Assistant.objects.count(), Assignment.objects.count(), enrolled.count())
    call_command("seed_scale", "--province", "17", stdout=StringIO())
    assert (
        Cooperative.objects.count(),
        Assistant.objects.count(),
        Assignment.objects.count(),
        enrolled.count(),
    ) == before
