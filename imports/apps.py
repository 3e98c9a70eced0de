from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Data import")

    def ready(self):
        # Each app's resources.py registers its import kinds (see imports.registry).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("resources")

        from jobs import registry

        from . import jobs

        registry.register(jobs.KIND, jobs.run, page="imports:job")
