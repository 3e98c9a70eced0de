from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work outside the request (large imports and exports): a Job row per piece of work,
    run by django-tasks' database worker, with progress the page can poll. Domain apps register
    what a job kind does (jobs.registry); this app knows none of them."""

    name = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # django-tasks-db's admin lists every task's arguments and tracebacks to anyone with its
        # view permission, outside the scoping of kdkmp/admin_urls.py: operators read the queue
        # with `manage.py jobs` instead, so the door is closed.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
