import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import FieldProblem


class ProblemTable(tables.Table):
    raised_at = tables.DateColumn(verbose_name=_("Raised"), short=True)
    category = tables.Column(verbose_name=_("Category"), linkify=True)
    cooperative = tables.Column(verbose_name=_("Cooperative"), default=_("(whole caseload)"))
    assistant = tables.Column(verbose_name=_("BA"), accessor="assistant__name")
    severity = tables.Column(verbose_name=_("Severity"))
    level = tables.Column(verbose_name=_("Level"))
    status = tables.Column(verbose_name=_("Status"))
    due_date = tables.DateColumn(verbose_name=_("Follow up by"), short=True)

    class Meta:
        model = FieldProblem
        fields = ["raised_at", "category", "cooperative", "assistant", "severity", "level", "status", "due_date"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "problem-table"}
        empty_text = _("No problems match these filters.")
