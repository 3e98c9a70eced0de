import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Cohort, Enrollment, TrainingProgram

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ProgramTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("Title"))
    audience = tables.Column(verbose_name=_("Audience"))
    hours = tables.Column(verbose_name=_("Lesson hours"), attrs=NUMBER)
    attendance_threshold = tables.Column(verbose_name=_("Attendance needed (%)"), attrs=NUMBER)
    pass_mark = tables.Column(verbose_name=_("Pass mark"), attrs=NUMBER, default="—")
    cohort_count = tables.Column(verbose_name=_("Cohorts"), attrs=NUMBER)
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = TrainingProgram
        fields = ["title", "audience", "hours", "attendance_threshold", "pass_mark", "cohort_count"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "program-table"}
        empty_text = _("No training programs yet.")

    def __init__(self, *args, editable_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.editable_ids = editable_ids  # only the owning office's programs get an edit link
        if not editable_ids:
            self.columns.hide("edit")

    def render_edit(self, record):
        if record.pk not in self.editable_ids:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("trainings:program_update", args=[record.pk]), _("Edit"))


class CohortTable(tables.Table):
    program = tables.Column(
        verbose_name=_("Program"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("program__title", "number"),
    )
    number = tables.Column(verbose_name=_("Batch"), attrs=NUMBER)
    start_date = tables.DateColumn(verbose_name=_("Dates"), format="j M Y")
    venue = tables.Column(verbose_name=_("Venue"))
    region = tables.Column(verbose_name=_("Held by"), order_by=("region_id",))
    capacity = tables.Column(verbose_name=_("Capacity"), attrs=NUMBER)
    enrolled = tables.Column(verbose_name=_("Participants"), attrs=NUMBER)
    completed = tables.Column(verbose_name=_("Completed"), attrs=NUMBER)

    class Meta:
        model = Cohort
        fields = ["program", "number", "start_date", "venue", "region", "capacity", "enrolled", "completed"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "cohort-table"}
        empty_text = _("No cohorts match these filters.")

    def render_program(self, record):
        return record.program.title

    def render_start_date(self, record):
        from django.utils.formats import date_format

        start, end = (date_format(day, "SHORT_DATE_FORMAT") for day in (record.start_date, record.end_date))
        return f"{start} – {end}"


class ParticipantTable(tables.Table):
    person_name = tables.Column(
        verbose_name=_("Name"), linkify=lambda record: reverse("trainings:participant_detail", args=[record.pk])
    )
    role = tables.Column(
        verbose_name=_("Role/position"),
        empty_values=(),
        accessor="role_label",
        order_by=("assistant__role", "board_member__position"),
    )
    affiliation = tables.Column(verbose_name=_("Work area / cooperative"), empty_values=(), orderable=False)
    regency = tables.Column(
        verbose_name=_("Regency/city"), empty_values=(), accessor="regency_name", order_by=("region_id",)
    )
    cohort = tables.Column(
        verbose_name=_("Cohort"),
        linkify=lambda record: record.cohort.get_absolute_url(),
        order_by=("-cohort__start_date",),
    )
    days_present = tables.Column(verbose_name=_("Days present"), attrs=NUMBER)
    post_test = tables.Column(verbose_name=_("Post-test"), attrs=NUMBER, default="—")
    status = tables.Column(verbose_name=_("Status"))
    certificate_number = tables.Column(verbose_name=_("Certificate"), default="—")

    class Meta:
        model = Enrollment
        fields = [
            "person_name",
            "role",
            "affiliation",
            "regency",
            "cohort",
            "days_present",
            "post_test",
            "status",
            "certificate_number",
        ]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "participant-table"}
        empty_text = _("No participants match these filters.")

    def __init__(self, *args, show_cohort=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_cohort:
            self.columns.hide("cohort")

    def render_person_name(self, record, value):
        """The name with the NIK's last four digits: two people of one name are told apart."""
        return format_html('{} <span class="text-muted small">{}</span>', value, record.nik_ending)

    def render_days_present(self, record, value):
        return f"{value}/{len(record.cohort.days)}"

    def render_status(self, record):
        css = {"completed": "success", "not_completed": "warning", "withdrawn": "secondary"}.get(record.status, "light")
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_status_display())

    def render_certificate_number(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("trainings:certificate", args=[record.pk]), value)
