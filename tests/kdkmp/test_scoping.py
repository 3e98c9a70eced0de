import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "username, expected",
    [("staf.kotajambi", 68), ("staf.kerinci", 287), ("admin.provinsi", 1585), ("kepala.dinas", 1585)],
)
def test_demo_users_see_their_region(demo, username, expected):
    user = User.objects.get(username=username)
    assert Cooperative.objects.for_user(user).count() == expected
    assert BoardMember.objects.for_user(user).count() == expected * 5
    assert BusinessUnit.objects.for_user(user).count() >= expected


def test_user_without_scope_sees_nothing(demo):
    user = UserFactory()
    assert Cooperative.objects.for_user(user).count() == 0
    assert Region.objects.for_user(user).count() == 0


def test_superuser_sees_everything(demo):
    user = UserFactory(is_superuser=True)
    assert Cooperative.objects.for_user(user).count() == Cooperative.objects.count()


def test_region_scope_includes_the_region_itself(demo):
    user = User.objects.get(username="staf.kotajambi")
    codes = set(Region.objects.for_user(user).filter(level__in=["regency", "district"]).values_list("code", flat=True))
    assert "15.71" in codes and "15.71.01" in codes and "15.01" not in codes


def test_prefix_is_not_confused_with_a_longer_code(demo):
    # Scope 15.7 must not match 15.71 (the dot ends the prefix).
    user = UserFactory(scope_region=Region.objects.get(code="15"))
    user.scope_region_id = "15.7"
    assert Cooperative.objects.for_user(user).count() == 0


def test_admin_changelist_is_scoped(demo, client):
    admin_user = User.objects.get(username="admin.provinsi")
    admin_user.scope_region_id = "15.71"
    admin_user.save()
    client.force_login(admin_user)
    response = client.get(reverse("admin:cooperatives_cooperative_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 68
    kerinci = Cooperative.objects.filter(village__code__startswith="15.01.").first()
    response = client.get(reverse("admin:cooperatives_cooperative_change", args=[kerinci.pk]))
    assert response.status_code == 404  # as for a missing id: the admin never shows the object


def test_admin_region_autocomplete_is_scoped(demo, client):
    admin_user = User.objects.get(username="admin.provinsi")
    admin_user.scope_region_id = "15.71"
    admin_user.save()
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cooperatives", "model_name": "cooperative", "field_name": "village", "term": "a"},
    )
    assert response.status_code == 200
    codes = [row["id"] for row in response.json()["results"]]
    assert codes and all(code.startswith("15.71.") for code in codes)


def test_province_admin_cannot_make_superusers_or_leave_the_scope_in_the_admin(demo, client):
    admin_user = User.objects.get(username="admin.provinsi")
    client.force_login(admin_user)
    target = User.objects.get(username="staf.kerinci")
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert "16" not in [str(c) for c, _label in form.fields["scope_region"].choices]
    data = {
        "username": target.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "",
        "is_superuser": "on",
        "scope_region": "16",
        "groups": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    client.post(url, data)
    target.refresh_from_db()
    assert not target.is_superuser and target.scope_region_id == "15.01"


def test_admin_foreign_keys_are_scoped(demo, client):
    from assistants.models import Assistant

    admin_user = User.objects.get(username="admin.provinsi")
    admin_user.scope_region_id = "15.71"
    admin_user.save()
    client.force_login(admin_user)
    assistant = Assistant.objects.filter(work_area_id="15.71").first()
    form = client.get(reverse("admin:assistants_assistant_change", args=[assistant.pk])).context["adminform"].form
    codes = [str(c) for c, _label in form.fields["work_area"].choices if c]
    assert codes and all(code.startswith("15.71") for code in codes)
