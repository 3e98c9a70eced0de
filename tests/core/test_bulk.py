"""core.bulk.bulk_update_values writes exactly what Django's bulk_update writes: one
UPDATE ... FROM (VALUES ...) on PostgreSQL and SQLite, bulk_update itself elsewhere."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cooperatives.models import Cooperative
from core import bulk
from core.bulk import bulk_update_values
from imports.services import import_file
from tests.imports.files import csv_bytes
from trainings.models import Attendance, Enrollment

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it with DATABASE_URL)"
)

COOPERATIVE_FIELDS = [
    "name",  # varchar
    "address",  # text
    "members_count",  # integer
    "legal_entity_date",  # nullable date
    "construction_percent",  # nullable smallint
    "loan_amount_requested",  # nullable bigint
    "updated_at",  # timestamp with time zone
]


def rows_after(model, objs, fields, write):
    """The rows as `write` leaves them, rolled back after."""
    with transaction.atomic():
        write(model, objs, fields)
        rows = list(model.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk").values("pk", *fields))
        transaction.set_rollback(True)
    return rows


def django_bulk_update(model, objs, fields):
    model.objects.bulk_update(objs, fields)


def changed_cooperatives():
    objs = list(Cooperative.objects.order_by("pk")[:6])
    when = timezone.now().replace(microsecond=123456)
    for n, cooperative in enumerate(objs):
        cooperative.name = ["Koperasi 'Maju' Café", 'Koperasi "Sejahtera"', "Koperasi %s %(x)s", "Koperasi ÷ ✓"][n % 4]
        cooperative.address = "Jl. Pasar\nRT 01; RW 02" if n % 2 else ""
        cooperative.members_count = [0, 7, 2_147_483_647][n % 3]
        cooperative.legal_entity_date = None if n % 2 else dt.date(2025, 12, 31)
        cooperative.construction_percent = None if n % 3 == 0 else 55
        cooperative.loan_amount_requested = None if n % 2 == 0 else 2_999_999_999  # past 2**31
        cooperative.updated_at = when
    return objs


def test_cooperatives_same_rows_as_bulk_update(demo):
    objs = changed_cooperatives()
    before = list(
        Cooperative.objects.filter(pk__in=[o.pk for o in objs]).order_by("pk").values("pk", *COOPERATIVE_FIELDS)
    )
    expected = rows_after(Cooperative, objs, COOPERATIVE_FIELDS, django_bulk_update)
    assert expected != before
    assert rows_after(Cooperative, objs, COOPERATIVE_FIELDS, bulk_update_values) == expected


def test_booleans_decimals_and_foreign_keys_same_rows_as_bulk_update(demo):
    marks = list(Attendance.objects.order_by("pk")[:4])
    assert marks
    user = User.objects.get(username="admin.provinsi")
    for n, mark in enumerate(marks):
        mark.present = bool(n % 2)
        mark.note = "" if n % 2 else "sakit"
        mark.recorded_by = None if n % 2 else user
        mark.day = mark.day + dt.timedelta(days=0)
    fields = ["present", "note", "recorded_by", "day"]
    expected = rows_after(Attendance, marks, fields, django_bulk_update)
    assert rows_after(Attendance, marks, fields, bulk_update_values) == expected

    enrollments = list(Enrollment.objects.order_by("pk")[:4])
    for n, enrollment in enumerate(enrollments):
        enrollment.pre_test = None if n % 2 else Decimal("62.50")
        enrollment.post_test = Decimal("100") if n % 2 else None
    fields = ["pre_test", "post_test"]
    expected = rows_after(Enrollment, enrollments, fields, django_bulk_update)
    assert rows_after(Enrollment, enrollments, fields, bulk_update_values) == expected


def test_nothing_to_write():
    assert bulk_update_values(Cooperative, [], ["name"]) == 0


def test_primary_keys_are_not_updated(demo):
    with pytest.raises(ValueError):
        bulk_update_values(Cooperative, list(Cooperative.objects.all()[:1]), ["id"])


def test_a_database_without_update_from_uses_bulk_update(demo, monkeypatch):
    monkeypatch.setattr(bulk, "_has_update_from", lambda connection: False)  # e.g. SQLite before 3.33
    objs = changed_cooperatives()
    with CaptureQueriesContext(connection) as queries:
        assert bulk_update_values(Cooperative, objs, COOPERATIVE_FIELDS) == len(objs)
    assert all("CASE" in q["sql"] and "VALUES" not in q["sql"] for q in queries if q["sql"].startswith("UPDATE"))


@pytest.mark.skipif(not bulk._has_update_from(connection), reason="SQLite before 3.33 has no UPDATE ... FROM")
def test_one_update_from_values_per_statement(demo, monkeypatch):
    objs = changed_cooperatives()
    with CaptureQueriesContext(connection) as queries:
        assert bulk_update_values(Cooperative, objs, COOPERATIVE_FIELDS) == len(objs)
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "FROM (VALUES" in updates[0] and "CASE" not in updates[0]
    # Past the parameter limit the rows go in several statements, with the same result.
    expected = rows_after(Cooperative, objs, COOPERATIVE_FIELDS, django_bulk_update)
    monkeypatch.setattr(bulk, "MAX_PARAMETERS", 2 * (len(COOPERATIVE_FIELDS) + 1))
    monkeypatch.setattr(connection.features, "max_query_params", 2 * (len(COOPERATIVE_FIELDS) + 1))
    with CaptureQueriesContext(connection) as queries:
        assert rows_after(Cooperative, objs, COOPERATIVE_FIELDS, bulk_update_values) == expected
    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) == 3


@on_postgres
def test_a_value_too_long_is_refused_not_cut(demo):
    cooperative = Cooperative.objects.order_by("pk").first()
    cooperative.phone = "0" * 500
    with pytest.raises(DataError), transaction.atomic():
        bulk_update_values(Cooperative, [cooperative], ["phone"])


@pytest.mark.skipif(not bulk._has_update_from(connection), reason="SQLite before 3.33 has no UPDATE ... FROM")
def test_an_import_of_updates_writes_through_values_with_history(demo):
    cooperatives = list(Cooperative.objects.order_by("village_id")[:3])
    rows = [["Kode Desa", "Jumlah Anggota"]] + [[c.village_id, str(c.members_count + 11)] for c in cooperatives]
    with CaptureQueriesContext(connection) as queries:
        report = import_file(
            kind="cooperatives",
            data=csv_bytes(rows),
            file_name="anggota.csv",
            user=User.objects.get(username="admin.provinsi"),
            dry_run=False,
        )
    assert report.written and report.counts["updated"] == 3, report.errors
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cooperatives_cooperative"')]
    assert len(updates) == 1 and "FROM (VALUES" in updates[0]
    for cooperative in cooperatives:
        fresh = Cooperative.objects.get(pk=cooperative.pk)
        assert fresh.members_count == cooperative.members_count + 11
        record = fresh.history.latest()
        assert record.history_type == "~" and record.history_user.username == "admin.provinsi"
