import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Cooperative


class CooperativeTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    village = tables.Column(verbose_name=_("Village"), accessor="village__name", order_by=("village__name",))
    district = tables.Column(
        verbose_name=_("District"), accessor="village__parent__name", order_by=("village__parent__name",)
    )
    regency = tables.Column(
        verbose_name=_("Regency/city"),
        accessor="village__parent__parent__name",
        order_by=("village__parent__parent__name",),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    ba_name = tables.Column(verbose_name=_("BA"), default="—")
    latest_milestone = tables.Column(verbose_name=_("Latest milestone"), orderable=False, empty_values=())
    members_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Cooperative
        fields = ["name", "village", "district", "regency", "kind", "ba_name", "latest_milestone", "members_count"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "cooperative-table"}
        empty_text = _("No cooperatives match these filters.")

    def render_kind(self, value, record):
        return record.kind

    def render_latest_milestone(self, record):
        return record.latest_milestone or "—"
