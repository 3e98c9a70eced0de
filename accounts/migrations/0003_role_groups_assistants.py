from django.db import migrations

from accounts.migrations import _sync_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the assistants app."""

    dependencies = [
        ("accounts", "0002_role_groups"),
        ("assistants", "0001_initial"),
    ]

    operations = [migrations.RunPython(_sync_roles.sync, migrations.RunPython.noop)]
