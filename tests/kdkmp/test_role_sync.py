"""Role permissions follow accounts/roles.py after every migrate (no data migration per change)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts import roles

pytestmark = pytest.mark.django_db


def test_a_permission_added_to_a_role_is_granted_by_the_next_migrate(monkeypatch):
    head = Group.objects.get(name=roles.HEAD)
    assert not head.permissions.filter(codename="view_importlog").exists()
    changed = {**roles.ROLE_PERMISSIONS, roles.HEAD: [*roles.ROLE_PERMISSIONS[roles.HEAD], "imports.view_importlog"]}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", changed)
    call_command("migrate", verbosity=0)
    assert head.permissions.filter(codename="view_importlog").exists()


def test_a_permission_given_by_hand_is_taken_back_by_the_next_migrate():
    from django.contrib.auth.models import Permission

    head = Group.objects.get(name=roles.HEAD)
    head.permissions.add(Permission.objects.get(codename="delete_cooperative"))
    call_command("migrate", verbosity=0)
    assert not head.permissions.filter(codename="delete_cooperative").exists()
