"""The admin is a door too: a BA with a caseload keeps role, regency and status there as well."""

import pytest
from django.urls import reverse

from accounts.models import User
from assistants.models import Assistant

pytestmark = pytest.mark.django_db


def admin_data(ba, **changes):
    data = {
        "name": ba.name,
        "nik": ba.nik,
        "gender": ba.gender,
        "phone": ba.phone,
        "email": ba.email,
        "role": ba.role,
        "work_area": ba.work_area_id,
        "supervisor": ba.supervisor_id or "",
        "user": ba.user_id or "",
        "contract_start": "",
        "contract_end": "",
        "status": ba.status,
    }
    return data | changes


@pytest.mark.parametrize("change", [{"status": "resigned"}, {"role": "PMO"}, {"work_area": "15.01"}])
def test_the_admin_cannot_break_the_caseload_rule(client, demo, change):
    client.force_login(User.objects.get(username="admin.provinsi"))
    ba = Assistant.objects.with_load().filter(role="BA", work_area_id="15.71", load=10).first()
    response = client.post(reverse("admin:assistants_assistant_change", args=[ba.pk]), admin_data(ba, **change))
    assert response.status_code == 200 and "10" in response.content.decode()
    stored = Assistant.objects.get(pk=ba.pk)
    assert (stored.status, stored.role, stored.work_area_id) == ("active", "BA", "15.71")


def test_the_admin_still_saves_an_allowed_change(client, demo):
    client.force_login(User.objects.get(username="admin.provinsi"))
    ba = Assistant.objects.with_load().filter(role="BA", work_area_id="15.71", load=10).first()
    response = client.post(reverse("admin:assistants_assistant_change", args=[ba.pk]), admin_data(ba, name="Nama Baru"))
    assert response.status_code == 302
    assert Assistant.objects.get(pk=ba.pk).name == "Nama Baru"
    assert Assistant.objects.get(pk=ba.pk).history.first().history_user.username == "admin.provinsi"
