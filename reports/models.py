"""The BA's monthly report, its per-cooperative sections and activities, and field problems.

A report covers one BA and one month (`month` is the first day). Its sections are the
cooperatives the BA accompanied on any day of that month; changes the BA reports for a
cooperative (milestones, members) are applied to the cooperative only when the report is
approved. An approved report is locked: every save and delete of it or of its parts is refused
here, below every door (pages, admin, imports).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assistants.models import Assistant
from cooperatives.models import BoardMember, Cooperative, Region
from core.scoping import ScopedQuerySet


def month_label(month: dt.date) -> str:
    return month.strftime("%Y-%m")


class ReportLocked(ValidationError):
    """A write to an approved report (or one of its parts)."""

    def __init__(self):
        super().__init__(_("This report has been approved and can no longer be changed."), code="report_locked")


class MonthlyReportQuerySet(ScopedQuerySet):
    scope_field = "assistant__work_area__code"
    caseload_assistant_field = "assistant_id"  # a BA's own login sees its own reports only


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        # Only where the province adds the second step: the PMO approved, the regency Dinas accepts.
        VERIFIED = "verified", _("approved by the PMO, awaiting the Dinas")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved")

    assistant = models.ForeignKey(
        Assistant,
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        verbose_name=_("Business Assistant"),
        limit_choices_to={"role": Assistant.Role.BA},
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the report covers."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary of the month"), blank=True, max_length=4000)
    next_month_plan = models.TextField(_("plan for next month"), blank=True, max_length=4000)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    on_behalf = models.BooleanField(
        _("written on the BA's behalf"), default=False, help_text=_("Submitted by office staff, not by the BA.")
    )
    late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.TextField(_("review note"), blank=True, max_length=2000)
    accepted_at = models.DateTimeField(_("accepted by the Dinas at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "assistant__name"]
        permissions = [
            ("review_monthlyreport", "Can review (approve or return) monthly reports"),
            ("accept_monthlyreport", "Can accept monthly reports for the regency Dinas (second step)"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assistant", "month"], name="one_report_per_ba_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.assistant} · {month_label(self.month)}"

    def save(self, *args, **kwargs):
        if self.pk and MonthlyReport.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists():
            raise ReportLocked()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def period(self) -> str:
        return month_label(self.month)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def delete(self, *args, **kwargs):
        if self.pk and MonthlyReport.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise (
                ReportLocked()
                if self.status == self.Status.APPROVED
                else ValidationError(_("Only a draft report can be deleted."), code="report_not_draft")
            )
        return super().delete(*args, **kwargs)


def _refuse_if_locked(report_id):
    if report_id and MonthlyReport.objects.filter(pk=report_id, status=MonthlyReport.Status.APPROVED).exists():
        raise ReportLocked()


class SectionQuerySet(ScopedQuerySet):
    scope_field = "report__assistant__work_area__code"
    caseload_assistant_field = "report__assistant_id"


class ReportCooperative(models.Model):
    """One cooperative's section of a monthly report."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="sections")
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="report_sections", verbose_name=_("cooperative")
    )
    accompanied_from = models.DateField(_("accompanied from"))
    accompanied_until = models.DateField(_("accompanied until"))
    no_visit_reason = models.CharField(
        _("no visit this month, because"),
        max_length=500,
        blank=True,
        help_text=_("Fill in only if there was no activity with this cooperative this month."),
    )
    # What the BA reports as changed this month; applied to the cooperative on approval.
    # {"members_count": 40, "simkopdes_date": "2025-11-12", ...}
    changes = models.JSONField(_("reported changes"), default=dict, blank=True)
    progress_note = models.TextField(_("progress this month"), blank=True, max_length=2000)
    history = HistoricalRecords()

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["cooperative__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "cooperative"], name="one_section_per_cooperative"),
        ]

    def __str__(self):
        return f"{self.report} · {self.cooperative}"

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.report_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.report_id)
        return super().delete(*args, **kwargs)


class ActivityQuerySet(ScopedQuerySet):
    scope_field = "section__report__assistant__work_area__code"
    caseload_assistant_field = "section__report__assistant_id"


class Activity(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("by phone")
        ONLINE = "online", _("online")

    class Area(models.TextChoices):
        # The BA's five task areas (2026 recruitment page), then the program's other field work.
        OUTLET = "outlet", _("Outlet preparation")
        PLANS = "plans", _("Work and business plans")
        GOVERNANCE = "governance", _("Outlet governance")
        SIMKOPDES = "simkopdes", _("SIMKOPDES data")
        PARTNERSHIP = "partnership", _("Partnerships")
        MUSDESUS = "musdesus", _("Special village meeting (Musdesus)")
        LOAN = "loan", _("Loan proposal")
        TRAINING = "training", _("Training")
        RAT = "rat", _("Annual members' meeting (RAT)")
        BOOKKEEPING = "bookkeeping", _("Bookkeeping")

    section = models.ForeignKey(ReportCooperative, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("date"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    area = models.CharField(_("activity area"), max_length=12, choices=Area.choices)
    participants = models.ManyToManyField(
        BoardMember, blank=True, related_name="report_activities", verbose_name=_("board members who took part")
    )
    outcome = models.TextField(_("outcome"), max_length=2000)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    next_step_date = models.DateField(_("next step by"), null=True, blank=True)
    # Optional evidence, shrunk on upload (reports/photos.py); served through the scoped report page.
    photo = models.FileField(_("photo"), upload_to="laporan/%Y/%m/", blank=True, max_length=200)
    history = HistoricalRecords(excluded_fields=["photo"])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} · {self.get_area_display()}"

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.section.report_id if self.section_id else None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.section.report_id)
        return super().delete(*args, **kwargs)

    @property
    def photo_size(self) -> int | None:
        """The stored photo's size in bytes; None if there is none or its file is gone."""
        try:
            return self.photo.size if self.photo else None
        except OSError:
            return None


class FieldProblemQuerySet(ScopedQuerySet):
    scope_field = "region__code"
    caseload_assistant_field = "assistant_id"  # a BA sees the problems of its own caseload

    def open(self):
        return self.filter(status__in=FieldProblem.OPEN_STATUSES)


class FieldProblem(models.Model):
    """A problem met in the field (kendala), followed to its resolution."""

    class Category(models.TextChoices):
        # The categories field reports name across regions (docs/field-problems.md, domain.md §7).
        PERMODALAN = "PERMODALAN", _("Starting capital")
        LAHAN = "LAHAN", _("Land")
        BANGUNAN_RAB = "BANGUNAN_RAB", _("Building costs outside the budget")
        PERBANKAN = "PERBANKAN", _("Bank access")
        REGULASI = "REGULASI", _("Unclear or changing regulations")
        SDM_PENGURUS = "SDM_PENGURUS", _("Board capacity")
        PASAR_MITRA = "PASAR_MITRA", _("Market partner / offtaker")
        KEANGGOTAAN = "KEANGGOTAAN", _("Membership")
        DATA_SIMKOPDES = "DATA_SIMKOPDES", _("SIMKOPDES data")
        KONFLIK = "KONFLIK", _("Internal conflict")
        PERSAINGAN = "PERSAINGAN", _("Competition with shops / BUMDes")
        KLINIK_APOTEK = "KLINIK_APOTEK", _("Clinic / pharmacy staff and permits")
        PENDAMPINGAN = "PENDAMPINGAN", _("Gap in facilitation")
        HONOR = "HONOR", _("BA pay / contract")
        LAINNYA = "LAINNYA", _("Other")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical: blocks the cooperative")

    class Level(models.TextChoices):
        # Escalation: regency PMO → regency Dinas → province; each level sees what reached it.
        PMO = "pmo", _("regency PMO")
        REGENCY = "regency", _("regency/city Dinas")
        PROVINCE = "province", _("province")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("being followed up")
        RESOLVED = "resolved", _("resolved")
        NOT_SOLVABLE = "not_solvable", _("closed as not solvable")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="field_problems",
        verbose_name=_("cooperative"),
        help_text=_("Empty: the problem concerns the BA's whole caseload."),
    )
    assistant = models.ForeignKey(
        Assistant,
        on_delete=models.PROTECT,
        related_name="field_problems",
        verbose_name=_("Business Assistant"),
        limit_choices_to={"role": Assistant.Role.BA},
    )
    # The cooperative's village, or the BA's work area for a caseload-wide problem: the scope.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    report = models.ForeignKey(
        MonthlyReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("raised in report"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.TextField(_("description"), max_length=4000)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.PMO)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("follow up by"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = FieldProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("field problem")
        verbose_name_plural = _("field problems")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "category"]), models.Index(fields=["region", "status"])]

    def __str__(self):
        return f"{self.get_category_display()} · {self.cooperative or self.assistant}"

    def get_absolute_url(self):
        return reverse("reports:problem_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProblemNoteQuerySet(ScopedQuerySet):
    scope_field = "problem__region__code"
    caseload_assistant_field = "problem__assistant_id"


class ProblemNote(models.Model):
    """A dated follow-up note on a field problem (escalations and closing are notes too)."""

    problem = models.ForeignKey(FieldProblem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), max_length=2000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    objects = ProblemNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["written_at", "pk"]

    def __str__(self):
        return self.text[:60]


class ReviewSettingQuerySet(ScopedQuerySet):
    scope_field = "province__code"
    caseload_exempt = True


class ReviewSetting(models.Model):
    """A province's review chain: with `dinas_acceptance`, a report the PMO approved is accepted
    by the regency Dinas before it is final (DHIS2's approval levels, one level more)."""

    province = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        limit_choices_to={"level": Region.Level.PROVINCE},
        verbose_name=_("province"),
    )
    dinas_acceptance = models.BooleanField(
        _("the regency Dinas accepts each report after the PMO"),
        default=False,
        help_text=_("Reports approved by the PMO then wait for the regency/city Dinas."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ReviewSettingQuerySet.as_manager()

    class Meta:
        verbose_name = _("review setting")
        verbose_name_plural = _("review settings")

    def __str__(self):
        return str(self.province)
