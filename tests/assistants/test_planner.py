from io import StringIO

import pytest
from django.core.management import call_command

from assistants.models import Assignment, Assistant
from assistants.planner import apply_plan, plan_regency
from cooperatives.models import Region

pytestmark = pytest.mark.django_db


def test_jambi_needs_163_bas_at_ten(demo):
    regencies = Region.objects.filter(parent_id="15", level="regency")
    plans = [plan_regency(r) for r in regencies]
    assert sum(p.bas_needed for p in plans) == 163
    assert sum(len(p.bas) for p in plans) == 156
    assert sum(p.gap for p in plans) == 7


def test_plan_from_scratch_balances_and_keeps_districts_together(demo):
    Assignment.objects.filter(cooperative__village__code__startswith="15.01.").delete()
    plan = plan_regency(Region.objects.get(code="15.01"))
    loads = plan.load_after()
    assert max(loads.values()) <= 10
    assert len(plan.proposals) == 280 and len(plan.unplaced) == 7 and plan.more_bas_for_unplaced == 1
    # Each BA's cooperatives span few districts: a contiguous run in village-code order.
    districts_per_ba = {}
    for cooperative, ba in plan.proposals:
        districts_per_ba.setdefault(ba.pk, set()).add(cooperative.village.parent_id)
    assert max(len(d) for d in districts_per_ba.values()) <= 3
    districts = {c.village.parent_id for c, _ba in plan.proposals}
    assert sum(len(d) for d in districts_per_ba.values()) <= len(districts) + len(districts_per_ba)


def test_balance_when_there_is_room(demo):
    """Kota Sungai Penuh: 69 cooperatives, 7 BAs, no one should get 10 while another gets 2."""
    Assignment.objects.filter(cooperative__village__code__startswith="15.72.").delete()
    extra = Assistant.objects.filter(work_area_id="15.72", role="BA").first()
    Assistant.objects.create(
        name="Tambahan",
        nik="1572011505900001",
        gender="L",
        role="BA",
        work_area_id="15.72",
        supervisor=extra.supervisor,
    )
    plan = plan_regency(Region.objects.get(code="15.72"))
    loads = plan.load_after().values()
    assert max(loads) - min(loads) <= 1
    assert not plan.unplaced


def test_apply_is_all_or_nothing(demo):
    Assignment.objects.filter(cooperative__village__code__startswith="15.72.").delete()
    plan = plan_regency(Region.objects.get(code="15.72"))
    # Someone fills a BA between preview and apply: the whole plan is refused.
    ba = plan.proposals[0][1]
    cooperative = plan.proposals[-1][0]
    Assignment.objects.bulk_create(
        [Assignment(assistant=ba, cooperative=c, start_date="2025-11-01") for c, _b in plan.proposals[-10:]]
    )
    from assistants.services import AssignmentRefused

    with pytest.raises(AssignmentRefused):
        apply_plan(plan, by=None, reason="test")
    assert Assignment.objects.filter(cooperative__village__code__startswith="15.72.").count() == 10
    assert cooperative is not None


def test_command_dry_run_and_apply(demo):
    Assignment.objects.filter(cooperative__village__code__startswith="15.71.").delete()
    out = StringIO()
    call_command("plan_assignments", "--regency", "15.71", stdout=out)
    assert "68 assignments proposed" in out.getvalue()
    assert not Assignment.objects.filter(cooperative__village__code__startswith="15.71.").exists()
    call_command("plan_assignments", "--regency", "15.71", "--apply", stdout=StringIO())
    assert Assignment.objects.active().filter(cooperative__village__code__startswith="15.71.").count() == 68
