"""cooperatives/migrations/0006: PostgreSQL keeps statistics on the region prefixes the dashboard
and the coverage page group by, so it estimates the groups rightly (and hashes them instead of
sorting every row). The statistics serve only if their expression is the one Django writes."""

import json

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr

from cooperatives.models import Cooperative
from tests.factories import cooperatives_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"),
]


@pytest.mark.parametrize("length", [2, 5, 8])
def test_the_planner_knows_how_many_region_groups_there_are(small_jambi, length):
    cooperatives_in("15.71.01", 7)  # one province, one regency, one district
    grouped = (
        Cooperative.objects.annotate(area=Substr("village_id", 1, length))
        .values("area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cooperatives_cooperative")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # Without the statistics PostgreSQL guesses one group per row here (7).
    assert plan[0]["Plan"]["Plan Rows"] == 1
