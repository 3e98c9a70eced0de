"""Role groups and their permissions; created by a data migration and by load_demo."""
from django.utils.translation import gettext_lazy as _

PROVINCE_ADMIN = "Admin Provinsi"
REGENCY_STAFF = "Staf Dinas Kabupaten/Kota"
HEAD = "Pimpinan"

# codename lists per group ("app_label.codename").
_COOP_MODELS = ["cooperative", "businessunit", "boardmember"]
_VIEW = [f"cooperatives.view_{m}" for m in _COOP_MODELS] + ["cooperatives.view_region"]
_EDIT = [f"cooperatives.{a}_{m}" for m in _COOP_MODELS for a in ("add", "change", "delete")]

ROLE_PERMISSIONS = {
    PROVINCE_ADMIN: _VIEW + _EDIT + ["accounts.view_user", "accounts.add_user", "accounts.change_user",
                                     "imports.run_import", "imports.view_importlog"],
    REGENCY_STAFF: _VIEW + _EDIT,
    HEAD: _VIEW,
}

ROLE_LABELS = {
    PROVINCE_ADMIN: _("Province administrator"),
    REGENCY_STAFF: _("Regency/city Dinas staff"),
    HEAD: _("Head of office (read-only)"),
}


def sync_role_groups(group_model, permission_model):
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
