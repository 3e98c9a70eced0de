import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from assistants import services
from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative
from tests.factories import AssistantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo):
    return User.objects.get(username="staf.kotajambi")


def test_assign_records_who_when_why(free_kota_jambi, new_ba, staff):
    assignment = services.assign(assistant=new_ba, cooperative=free_kota_jambi[0], by=staff, reason="Awal")
    assert assignment.assigned_by == staff and assignment.reason == "Awal" and assignment.is_active
    assert assignment.start_date is not None and assignment.created_at is not None


def test_cap_of_ten_with_a_message_naming_both(free_kota_jambi, new_ba, staff):
    services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:10], by=staff)
    eleventh = free_kota_jambi[10]
    with pytest.raises(services.AssignmentRefused) as error:
        services.assign(assistant=new_ba, cooperative=eleventh, by=staff)
    message = error.value.messages[0]
    assert new_ba.name in message and eleventh.name in message and "10" in message
    assert Assignment.objects.active().filter(assistant=new_ba).count() == 10


def test_bulk_is_all_or_nothing(free_kota_jambi, new_ba, staff):
    with pytest.raises(services.AssignmentRefused):
        services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:11], by=staff)
    assert not Assignment.objects.filter(assistant=new_ba).exists()


def test_capacity_is_a_setting(free_kota_jambi, new_ba, staff, settings):
    settings.KDKMP_BA_CAPACITY = 3
    services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:3], by=staff)
    with pytest.raises(services.AssignmentRefused):
        services.assign(assistant=new_ba, cooperative=free_kota_jambi[3], by=staff)


def test_one_active_ba_per_cooperative(free_kota_jambi, new_ba, staff):
    other = AssistantFactory()
    services.assign(assistant=new_ba, cooperative=free_kota_jambi[0], by=staff)
    with pytest.raises(services.AssignmentRefused, match=new_ba.name):
        services.assign(assistant=other, cooperative=free_kota_jambi[0], by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(assistant=other, cooperative=free_kota_jambi[0], start_date=dt.date(2025, 12, 1))


@pytest.mark.parametrize(
    "change, words",
    [
        ({"status": Assistant.Status.RESIGNED}, "tidak aktif"),
        ({"role": Assistant.Role.PMO}, "bukan Business Assistant"),
        ({"work_area_id": "15.01"}, "di luar wilayah kerja"),
    ],
)
def test_only_active_bas_of_the_regency(free_kota_jambi, staff, change, words):
    assistant = AssistantFactory(**change)
    with pytest.raises(services.AssignmentRefused) as error:
        services.assign(assistant=assistant, cooperative=free_kota_jambi[0], by=staff)
    assert words in error.value.messages[0]
    assert free_kota_jambi[0].name in error.value.messages[0]


def test_end_keeps_history_and_checks_dates(free_kota_jambi, new_ba, staff):
    assignment = services.assign(
        assistant=new_ba, cooperative=free_kota_jambi[0], by=staff, start_date=dt.date(2025, 11, 10)
    )
    with pytest.raises(services.AssignmentRefused, match="tidak boleh sebelum"):
        services.end_assignment(assignment=assignment, by=staff, reason="x", end_date=dt.date(2025, 11, 1))
    services.end_assignment(assignment=assignment, by=staff, reason="Kontrak selesai", end_date=dt.date(2025, 11, 20))
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2025, 11, 20) and assignment.ended_by == staff
    assert assignment.end_reason == "Kontrak selesai"
    with pytest.raises(services.AssignmentRefused):
        services.end_assignment(assignment=assignment, by=staff, reason="lagi")


def test_transfer(free_kota_jambi, new_ba, staff):
    other = AssistantFactory()
    cooperative = free_kota_jambi[0]
    services.assign(assistant=new_ba, cooperative=cooperative, by=staff, start_date=dt.date(2025, 11, 1))
    services.transfer(
        cooperative=cooperative, to_assistant=other, by=staff, reason="Pindah domisili", date=dt.date(2025, 11, 15)
    )
    history = list(
        Assignment.objects.filter(cooperative=cooperative, assistant__in=[new_ba, other]).order_by("start_date")
    )
    assert [(a.assistant, a.end_date) for a in history] == [(new_ba, dt.date(2025, 11, 15)), (other, None)]
    assert history[0].end_reason == "Pindah domisili" == history[1].reason


def test_transfer_to_a_full_ba_changes_nothing(free_kota_jambi, new_ba, staff):
    full = AssistantFactory()
    services.bulk_assign(assistant=full, cooperatives=free_kota_jambi[:10], by=staff)
    services.assign(assistant=new_ba, cooperative=free_kota_jambi[10], by=staff)
    with pytest.raises(services.AssignmentRefused):
        services.transfer(cooperative=free_kota_jambi[10], to_assistant=full, by=staff, reason="x")
    assert Assignment.objects.active().get(cooperative=free_kota_jambi[10]).assistant == new_ba


def test_handover_spread_over_several(free_kota_jambi, new_ba, staff):
    services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:10], by=staff)
    a, b = AssistantFactory(), AssistantFactory()
    services.bulk_assign(assistant=a, cooperatives=free_kota_jambi[10:14], by=staff)
    moved = services.hand_over(from_assistant=new_ba, to_assistants=[a, b], by=staff, reason="Mengundurkan diri")
    assert len(moved) == 10
    loads = services.active_loads([new_ba.pk, a.pk, b.pk])
    assert loads == {new_ba.pk: 0, a.pk: 7, b.pk: 7}


def test_handover_refused_when_it_does_not_fit(free_kota_jambi, new_ba, staff):
    services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:10], by=staff)
    receiver = AssistantFactory()
    services.bulk_assign(assistant=receiver, cooperatives=free_kota_jambi[10:15], by=staff)
    with pytest.raises(services.AssignmentRefused, match=receiver.name):
        services.hand_over(from_assistant=new_ba, to_assistants=[receiver], by=staff, reason="x")
    assert services.active_loads([new_ba.pk])[new_ba.pk] == 10  # nothing moved


def test_resign_needs_an_empty_caseload(free_kota_jambi, new_ba, staff):
    services.assign(assistant=new_ba, cooperative=free_kota_jambi[0], by=staff)
    with pytest.raises(services.AssignmentRefused, match="diserahterimakan"):
        services.resign(assistant=new_ba, by=staff)
    services.hand_over(from_assistant=new_ba, to_assistants=[AssistantFactory()], by=staff, reason="x")
    services.resign(assistant=new_ba, by=staff)
    new_ba.refresh_from_db()
    assert new_ba.status == Assistant.Status.RESIGNED


def test_assistant_validation(demo):
    from django.core.exceptions import ValidationError

    ba = AssistantFactory.build(work_area_id="15")
    with pytest.raises(ValidationError) as error:
        ba.full_clean()
    assert "work_area" in error.value.message_dict
    supervisor = AssistantFactory(role="BA")
    ba = AssistantFactory.build(supervisor=supervisor)
    with pytest.raises(ValidationError) as error:
        ba.full_clean()
    assert "supervisor" in error.value.message_dict


def test_demo_staff(demo):
    from django.db.models import Count

    roles = dict(Assistant.objects.filter(work_area__code__startswith="15").values_list("role").annotate(n=Count("pk")))
    assert roles == {"PMO": 24, "BA": 156, "PPKL": 22, "DUMISAKE": 16}
    assert Assistant.objects.filter(role="PMO", work_area_id="15").count() == 2
    assert Assistant.objects.filter(role="PMO", work_area_id="15.71").count() == 2
    assert Assignment.objects.active().count() == 1554
    over = Assistant.objects.with_load().filter(load__gt=10)
    assert not over.exists()
    assert Cooperative.objects.count() - Assignment.objects.active().count() == 31


def test_history_never_overlaps(free_kota_jambi, new_ba, staff):
    cooperative = free_kota_jambi[0]  # its demo assignment ended on 1 November 2025
    with pytest.raises(services.AssignmentRefused, match="2025"):
        services.assign(assistant=new_ba, cooperative=cooperative, by=staff, start_date=dt.date(2020, 1, 1))
    services.assign(assistant=new_ba, cooperative=cooperative, by=staff, start_date=dt.date(2025, 11, 1))
