"""The table of the "shared" cache (settings.CACHES, decision 0006): made here so that `migrate`
alone prepares a database, on every server and in the tests. createcachetable skips caches that
are not in the database (SHARED_CACHE_URL on Redis) and tables that exist."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
