"""Factories for test data: users and logins here, the rest per app (tests/<app>/factories.py),
imported here too so that `from tests.factories import ...` finds every one.

Most tests read the Jambi demo (loaded once per session, see tests/conftest.py) and add what they
need with these. Tests that start from an empty database (transactional: races, browser) build
a small Jambi with `small_jambi` and the app factories instead of reloading the demo."""

import factory
from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.models import User
from demo.users import DEMO_PASSWORD, DEMO_USERS
from tests.assistants.factories import AssignmentFactory, AssistantFactory
from tests.cooperatives.factories import (
    BoardMemberFactory,
    BusinessUnitFactory,
    CooperativeFactory,
    VillageFactory,
    cooperatives_in,
    jambi_regions,
)
from tests.trainings.factories import CohortFactory, ProgramFactory

__all__ = [
    "AssignmentFactory",
    "AssistantFactory",
    "BoardMemberFactory",
    "BusinessUnitFactory",
    "CohortFactory",
    "CooperativeFactory",
    "ProgramFactory",
    "UserFactory",
    "VillageFactory",
    "cooperatives_in",
    "demo_logins",
    "jambi_regions",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("rahasia-123")


def demo_logins(*usernames):
    """The demo's logins (same usernames, names, scopes, role groups and password: the `password`
    fixture), without the demo's data; all of them, or the ones named. Returns {username: user}.
    pmo.kotajambi and ba.kotajambi are not linked to a PMO or BA here."""
    if not Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() == len(roles.ROLE_PERMISSIONS):
        roles.sync_role_groups(Group, Permission)
    users = {}
    for username, full_name, scope, group_name, is_staff in DEMO_USERS:
        if usernames and username not in usernames:
            continue
        first, _sep, last = full_name.partition(" ")
        user = UserFactory(
            username=username,
            first_name=first,
            last_name=last,
            scope_region_id=scope,
            is_staff=is_staff,
            password=DEMO_PASSWORD,
        )
        user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    unknown = set(usernames) - set(users)
    assert not unknown, f"not demo logins: {sorted(unknown)}"
    return users
