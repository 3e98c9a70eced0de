from django.db import migrations

from accounts.migrations import _sync_roles


class Migration(migrations.Migration):
    """Province admins gain the import permissions."""

    dependencies = [
        ("accounts", "0006_role_groups_pmo_ba"),
        ("imports", "0001_initial"),
    ]

    operations = [migrations.RunPython(_sync_roles.sync, migrations.RunPython.noop)]
