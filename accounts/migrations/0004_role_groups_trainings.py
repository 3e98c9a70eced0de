from django.db import migrations

from accounts.migrations import _sync_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the trainings app."""

    dependencies = [
        ("accounts", "0003_role_groups_assistants"),
        ("trainings", "0001_initial"),
    ]

    operations = [migrations.RunPython(_sync_roles.sync, migrations.RunPython.noop)]
