"""The field-problem list as a spreadsheet (export only, the list page's filters and scope)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative
from cooperatives.resources import REGION_COLUMNS, VillageKeyedResource
from core import regions
from core.scoping import in_scope
from imports import reading
from imports.messages import WriteRefused
from imports.registry import register
from imports.resources import BulkResource, Column

from . import services
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


CATEGORY_OPTIONS = (
    {reading.normalize_header(code): code for code in FieldProblem.Category.values}
    | {reading.normalize_header(str(label)): code for code, label in FieldProblem.Category.choices}
    | {
        "modal": "PERMODALAN",
        "permodalan": "PERMODALAN",
        "lahan": "LAHAN",
        "bangunan": "BANGUNAN_RAB",
        "rab": "BANGUNAN_RAB",
        "perbankan": "PERBANKAN",
        "bank": "PERBANKAN",
        "regulasi": "REGULASI",
        "sdm": "SDM_PENGURUS",
        "pengurus": "SDM_PENGURUS",
        "pasar": "PASAR_MITRA",
        "mitra": "PASAR_MITRA",
        "offtaker": "PASAR_MITRA",
        "keanggotaan": "KEANGGOTAAN",
        "anggota": "KEANGGOTAAN",
        "simkopdes": "DATA_SIMKOPDES",
        "data": "DATA_SIMKOPDES",
        "konflik": "KONFLIK",
        "persaingan": "PERSAINGAN",
        "klinik": "KLINIK_APOTEK",
        "apotek": "KLINIK_APOTEK",
        "pendampingan": "PENDAMPINGAN",
        "honor": "HONOR",
        "lainnya": "LAINNYA",
        "lain": "LAINNYA",
    }
)
SEVERITY_OPTIONS = {
    "rendah": "low",
    "low": "low",
    "sedang": "medium",
    "medium": "medium",
    "tinggi": "high",
    "high": "high",
    "kritis": "critical",
    "critical": "critical",
}


@register
class FieldProblemImport(VillageKeyedResource):
    """Field problems an office collected in a spreadsheet (kind `kendala`): each row is a
    problem of one cooperative, for the BA who accompanies it now. The rules are the register's
    (reports.services.raise_problem: only a cooperative of that BA's caseload); a row equal to an
    open problem of the same cooperative and category is reported unchanged, never doubled."""

    kind = "kendala"
    label = "Kendala lapangan"
    columns = REGION_COLUMNS + [
        Column(
            "assistant_nik",
            "NIK BA",
            ("nik pendamping", "nik business assistant"),
            required=True,
            example="1571011505900001",
        ),
        Column("category", "Kategori", ("jenis kendala", "kategori kendala"), required=True, example="Lahan"),
        Column("severity", "Tingkat", ("tingkat kendala", "prioritas"), example="Tinggi"),
        Column(
            "description",
            "Uraian",
            ("uraian kendala", "keterangan", "masalah"),
            required=True,
            example="Lahan gerai belum bersertifikat",
        ),
        Column("due_date", "Tindak lanjut paling lambat", ("batas tindak lanjut", "tenggat"), example="31/01/2026"),
    ]

    class Meta:
        model = FieldProblem

    def prepare(self, rows):
        self.load_villages(rows)
        query = self.file_cooperatives_q()
        self.cooperatives = {c.village_id: c for c in Cooperative.objects.filter(query)}
        active = Assignment.objects.active().filter(cooperative__in=list(self.cooperatives.values()))
        self.accompanied_by = dict(active.values_list("cooperative_id", "assistant_id"))
        niks = {reading.digits(v.get("assistant_nik")) for v in rows} - {""}
        self.assistants = {a.nik: a for a in Assistant.objects.filter(nik__in=niks).select_related("work_area")}
        self.open_problems = {
            (p.cooperative_id, p.category, p.description): p
            for p in FieldProblem.objects.open().filter(cooperative__in=list(self.cooperatives.values()))
        }

    def build(self, row):
        village_code = self.village_of(row)
        nik = reading.digits(row.raw("assistant_nik"))
        category = row.parse("category", reading.choice, CATEGORY_OPTIONS, required=True)
        severity = row.parse("severity", reading.choice, SEVERITY_OPTIONS) or FieldProblem.Severity.MEDIUM
        description = reading.text(row.raw("description"))[:4000]
        due_date = row.parse("due_date", reading.date)
        if not nik:
            row.error("assistant_nik", "required")
        if not description:
            row.error("description", "required")
        if village_code is None or row.outcome.errors:
            return None
        cooperative = self.cooperatives.get(village_code)
        if cooperative is None:
            row.error("village_code", "no_cooperative", value=village_code)
            return None
        assistant = self.assistants.get(nik)
        if assistant is None or not in_scope(self.user, assistant.work_area_id):
            row.error("assistant_nik", "unknown_assistant", value=nik)
            return None
        if self.accompanied_by.get(cooperative.pk) != assistant.pk:
            row.error("village_code", "not_in_caseload", cooperative=cooperative.name, assistant=assistant.name)
            return None
        values = {"category": category, "severity": severity, "description": description, "due_date": due_date}
        return (cooperative.pk, category, description), values, {"assistant": assistant, "cooperative": cooperative}

    def existing(self, key):
        return self.open_problems.get(key)

    def new_instance(self, key, values, extra):
        cooperative = extra["cooperative"]
        return FieldProblem(
            assistant=extra["assistant"], cooperative=cooperative, region_id=cooperative.village_id, **values
        )

    def validate_instance(self, row, instance, present_fields, field_columns):
        """Everything is checked in build; raise_problem checks it again as it writes."""

    def write(self, outcomes, progress=None):
        """Through the register's service, one problem at a time (files are a month of one area:
        hundreds of rows, not thousands); a refusal there rolls the whole file back."""
        by = self.history_user()
        for outcome in outcomes:
            if outcome.action != "new":
                continue
            values = dict(zip(self._field_order(), outcome.values, strict=True))
            try:
                services.raise_problem(
                    assistant=outcome.extra["assistant"],
                    cooperative=outcome.extra["cooperative"],
                    category=values["category"],
                    severity=values["severity"],
                    description=values["description"],
                    due_date=values["due_date"],
                    by=by,
                )
            except ValidationError as exc:
                raise WriteRefused(" ".join(exc.messages)) from None
        if progress:
            progress("write", len(outcomes), len(outcomes))
