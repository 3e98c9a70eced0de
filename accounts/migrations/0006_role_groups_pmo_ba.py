from django.db import migrations

from accounts.migrations import _sync_roles


class Migration(migrations.Migration):
    """PMO and BA role groups; full-NIK and audit permissions for the roles that need them."""

    dependencies = [
        ("accounts", "0005_audit_and_caseload_permissions"),
        ("cooperatives", "0002_history_and_full_nik_permission"),
        ("assistants", "0002_history"),
    ]

    operations = [migrations.RunPython(_sync_roles.sync, migrations.RunPython.noop)]
