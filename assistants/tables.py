import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Assistant


class AssistantTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    role = tables.Column(verbose_name=_("Role"))
    work_area = tables.Column(verbose_name=_("Work area"), accessor="work_area__name", order_by=("work_area_id",))
    supervisor = tables.Column(verbose_name=_("Supervising PMO"), accessor="supervisor__name")
    load = tables.Column(verbose_name=_("Load"), attrs={"td": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Assistant
        fields = ["name", "role", "work_area", "supervisor", "load", "status"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "assistant-table"}
        empty_text = _("No assistants match these filters.")

    def render_load(self, value, record):
        return f"{value}/{record.capacity}" if record.role == Assistant.Role.BA else value

    def render_status(self, value, record):
        return value
