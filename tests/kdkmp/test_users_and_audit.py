import pytest
from django.urls import reverse

from accounts.models import User
from assistants.models import Assistant

pytestmark = pytest.mark.django_db


def test_admin_creates_a_ba_login_with_role_and_scope(login):
    client = login("admin.provinsi")
    ba = Assistant.objects.filter(work_area_id="15.01", role="BA", user__isnull=True).first()
    from django.contrib.auth.models import Group

    data = {
        "username": "ba.baru",
        "first_name": "Ba",
        "last_name": "Baru",
        "email": "",
        "scope_region": "15.01",
        "role": Group.objects.get(name="BA").pk,
        "password1": "Sandi-Kuat-2026!",
        "password2": "Sandi-Kuat-2026!",
    }
    response = client.post(reverse("accounts:create"), data)
    assert response.status_code == 200 and "assistant" in response.context["form"].errors  # a BA login needs its BA
    response = client.post(reverse("accounts:create"), data | {"assistant": ba.pk})
    assert response.status_code == 302
    user = User.objects.get(username="ba.baru")
    assert user.scope_region_id == "15.01" and user.groups.get().name == "BA"
    assert Assistant.objects.get(pk=ba.pk).user == user
    assert user.check_password("Sandi-Kuat-2026!")


def test_weak_password_and_foreign_scope_are_refused(login):
    from django.contrib.auth.models import Group

    client = login("admin.provinsi")
    data = {
        "username": "x",
        "scope_region": "16",
        "role": Group.objects.get(name="Pimpinan").pk,
        "password1": "12345678",
        "password2": "12345678",
    }
    form = client.post(reverse("accounts:create"), data).context["form"]
    assert "password2" in form.errors and "scope_region" in form.errors


def test_user_pages_need_the_admin_role(login):
    assert login("staf.kotajambi").get(reverse("accounts:list")).status_code == 403
    assert login("admin.provinsi").get(reverse("accounts:list")).status_code == 200


def test_audit_finds_an_edit_by_its_author(login, kota_jambi_cooperative):
    staff = login("staf.kotajambi")
    staff.post(
        reverse("cooperatives:update", args=[kota_jambi_cooperative.pk]),
        {
            "name": "Koperasi Diubah",
            "formation_scheme": "baru",
            "members_count": 5,
            "musdesus_date": kota_jambi_cooperative.musdesus_date.isoformat(),
            "notary_deed_date": kota_jambi_cooperative.notary_deed_date,
            "legal_entity_date": kota_jambi_cooperative.legal_entity_date,
        },
    )
    admin = login("admin.provinsi")
    response = admin.get(reverse("audit"), {"jenis": "koperasi", "oleh": "staf.kotajambi"})
    assert response.status_code == 200
    assert [c.object_label for c in response.context["changes"]] == ["Koperasi Diubah"]
    assert login("kepala.dinas").get(reverse("audit")).status_code == 403


@pytest.mark.parametrize("kind", ["koperasi", "pengurus", "unit", "pendamping", "penugasan", "peserta", "absensi"])
def test_audit_queries_do_not_grow_with_rows(login, django_assert_max_num_queries, kind):
    client = login("admin.provinsi")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("audit"), {"jenis": kind})
    assert response.status_code == 200


def test_a_pmo_login_reads_its_own_area_only(login):
    from django.contrib.auth.models import Group

    pmo = Assistant.objects.filter(work_area_id="15.01", role="PMO", user__isnull=True).first()
    data = {
        "username": "pmo.baru",
        "scope_region": "15",
        "role": Group.objects.get(name="PMO").pk,
        "assistant": pmo.pk,
        "password1": "Sandi-Kuat-2026!",
        "password2": "Sandi-Kuat-2026!",
    }
    response = login("admin.provinsi").post(reverse("accounts:create"), data)
    assert "scope_region" in response.context["form"].errors
