"""Demo logins, one per role of DESIGN.md, in Jambi."""

from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.models import User

DEMO_PASSWORD = "demo-kdkmp-2025"

# (username, full name, scope region code, role group, is_staff)
DEMO_USERS = [
    ("admin.provinsi", "Admin Dinas Provinsi Jambi", "15", roles.PROVINCE_ADMIN, True),
    ("kepala.dinas", "Kepala Dinas Koperasi Provinsi Jambi", "15", roles.HEAD, False),
    ("staf.kotajambi", "Staf Dinas Kota Jambi", "15.71", roles.REGENCY_STAFF, False),
    ("staf.kerinci", "Staf Dinas Kabupaten Kerinci", "15.01", roles.REGENCY_STAFF, False),
    ("pmo.kotajambi", "PMO Kota Jambi", "15.71", roles.PMO, False),
    ("ba.kotajambi", "BA Kota Jambi", "15.71", roles.BA, False),
]
# The PMO and BA logins belong to the first demo PMO and BA of Kota Jambi.
LINKED_ASSISTANT = {"pmo.kotajambi": "PMO", "ba.kotajambi": "BA"}


def seed_demo_users():
    """Create the demo users that do not exist yet; existing ones are left alone."""
    roles.sync_role_groups(Group, Permission)
    created = []
    for username, full_name, scope, group_name, is_staff in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        first, _sep, last = full_name.partition(" ")
        user = User(username=username, first_name=first, last_name=last, scope_region_id=scope, is_staff=is_staff)
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
        if username in LINKED_ASSISTANT:
            from assistants.models import Assistant

            assistant = (
                Assistant.objects.filter(work_area_id=scope, role=LINKED_ASSISTANT[username], user__isnull=True)
                .order_by("pk")
                .first()
            )
            if assistant:
                assistant.user = user
                assistant.save(update_fields=["user"])
                user.first_name, user.last_name = (
                    assistant.name.split(" ", 1) if " " in assistant.name else (assistant.name, "")
                )
                user.save(update_fields=["first_name", "last_name"])
        created.append(user)
    return created
