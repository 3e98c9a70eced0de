"""Shared by the migrations that (re)create the role groups: each new app's permissions are
added by a new migration that calls `sync` again."""
from django.contrib.auth.management import create_permissions


def sync(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from accounts.roles import sync_role_groups

    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
