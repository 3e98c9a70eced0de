"""The field-problem list as a spreadsheet (export only, the list page's filters and scope)."""

from django.utils import timezone

from core import regions
from imports.resources import BulkResource, Column

from .models import FieldProblem


class FieldProblemResource(BulkResource):
    """Not an import kind (it is not registered); the same headers style as the import kinds."""

    label = "Kendala lapangan"
    columns = [
        Column("raised_at", "Tanggal"),
        Column("regency", "Kabupaten/Kota"),
        Column("cooperative", "Koperasi"),
        Column("assistant", "BA"),
        Column("category", "Kategori"),
        Column("severity", "Tingkat"),
        Column("level", "Level"),
        Column("status", "Status"),
        Column("due_date", "Tindak lanjut paling lambat"),
        Column("description", "Uraian"),
        Column("resolution", "Penyelesaian"),
    ]

    class Meta:
        model = FieldProblem

    def export_value(self, instance, key):
        if key == "raised_at":
            return timezone.localtime(instance.raised_at).date()
        if key == "regency":
            return regions.regency_of(instance.region_id)
        if key == "cooperative":
            return instance.cooperative.name if instance.cooperative else "(seluruh dampingan)"
        if key == "assistant":
            return instance.assistant.name
        if key in ("category", "severity", "level", "status"):
            return str(getattr(instance, f"get_{key}_display")())
        return super().export_value(instance, key)
