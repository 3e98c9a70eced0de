"""Demo logins, one per role of DESIGN.md, in Jambi."""
from django.contrib.auth.models import Group, Permission

from . import roles
from .models import User

DEMO_PASSWORD = "demo-kdkmp-2025"

# (username, full name, scope region code, role group, is_staff)
DEMO_USERS = [
    ("admin.provinsi", "Admin Dinas Provinsi Jambi", "15", roles.PROVINCE_ADMIN, True),
    ("kepala.dinas", "Kepala Dinas Koperasi Provinsi Jambi", "15", roles.HEAD, False),
    ("staf.kotajambi", "Staf Dinas Kota Jambi", "15.71", roles.REGENCY_STAFF, False),
    ("staf.kerinci", "Staf Dinas Kabupaten Kerinci", "15.01", roles.REGENCY_STAFF, False),
]


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
        created.append(user)
    return created
