"""A village has one cooperative: seated there, or serving it jointly with other small villages
(the "other villages served", edited in the admin). Each way in refuses a second one."""

import pytest
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from cooperatives.forms import CooperativeAdminForm
from cooperatives.models import Cooperative
from imports.services import import_file
from tests.factories import VillageFactory
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db
AdminForm = modelform_factory(
    Cooperative, form=CooperativeAdminForm, fields=["village", "extra_villages", "name", "kind", "formation_scheme"]
)


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def admin_form(cooperative, extra_villages):
    data = {
        "village": cooperative.village_id,
        "name": cooperative.name,
        "kind": cooperative.kind,
        "formation_scheme": cooperative.formation_scheme,
        "extra_villages": [v.code for v in extra_villages],
    }
    return AdminForm(data, instance=cooperative)


@pytest.fixture
def two_cooperatives(demo):
    first, second = Cooperative.objects.filter(village__code__startswith="15.71.01.").order_by("village")[:2]
    return first, second


def test_a_free_village_can_be_served_jointly(two_cooperatives):
    first, _second = two_cooperatives
    village = VillageFactory()
    form = admin_form(first, [village])
    assert form.is_valid(), form.errors
    form.save()
    assert list(first.extra_villages.all()) == [village]


def test_another_cooperatives_seat_is_refused(two_cooperatives):
    first, second = two_cooperatives
    form = admin_form(first, [second.village])
    assert not form.is_valid()
    assert form.errors["extra_villages"] == [f"{second.village.name} sudah menjadi kedudukan {second.name}."]


def test_a_village_already_served_by_another_is_refused(two_cooperatives):
    first, second = two_cooperatives
    village = VillageFactory()
    second.extra_villages.add(village)
    form = admin_form(first, [village])
    assert not form.is_valid()
    assert form.errors["extra_villages"] == [f"{village.name} sudah dilayani bersama oleh {second.name}."]
    assert admin_form(second, [village]).is_valid()  # its own link stays valid on the next save


def test_the_seat_is_not_also_an_extra_village(two_cooperatives):
    first, _second = two_cooperatives
    form = admin_form(first, [first.village])
    assert not form.is_valid()
    assert "kedudukan koperasi ini" in form.errors["extra_villages"][0]


def test_a_jointly_served_village_cannot_seat_a_new_cooperative(two_cooperatives, login):
    _first, second = two_cooperatives
    village = VillageFactory()
    second.extra_villages.add(village)
    client = login("staf.kotajambi")
    response = client.post(reverse("cooperatives:create"), {"village": village.code, "formation_scheme": "baru"})
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Cooperative.objects.filter(village=village).exists()

    report = import_file(
        kind="cooperatives",
        data=csv_bytes([["KODE DESA", "Nama Koperasi"], [village.code, ""]]),
        file_name="baru.csv",
        user=User.objects.get(username="admin.provinsi"),
        dry_run=False,
    )
    assert not report.written
    assert [e.code for e in report.errors] == ["village_shared"]
    assert second.name in report.errors[0].message
    assert not Cooperative.objects.filter(village=village).exists()


def test_the_admin_uses_this_form(rf):
    from django.contrib import admin

    request = rf.get("/")
    request.user = User(is_superuser=True)
    assert issubclass(admin.site._registry[Cooperative].get_form(request), CooperativeAdminForm)
