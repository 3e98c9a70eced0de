from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The foundation every app builds on: scoping, region codes, base views and forms, list pages
    and exports, history, middleware, formats. It imports no domain app (see pyproject's
    import-linter contract)."""

    name = "core"
    verbose_name = "KDKMP core"

    def ready(self):
        from jobs import registry

        from .list_pages import EXPORT_JOB, run_export_job

        registry.register(EXPORT_JOB, run_export_job)
