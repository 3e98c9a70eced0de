from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Field work: the BA's monthly report, the PMO's review, and the register of field problems."""

    name = "reports"
    verbose_name = _("Field reports")
