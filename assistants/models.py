from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative, Region
from core.scoping import ScopedQuerySet
from core.validators import mask_nik, validate_nik, validate_phone

ACTIVE = Q(end_date__isnull=True)


class AssistantQuerySet(ScopedQuerySet):
    scope_field = "work_area__code"
    caseload_assistant_field = "pk"  # a BA's own login sees themselves only

    def active(self):
        return self.filter(status=Assistant.Status.ACTIVE)

    def business_assistants(self):
        return self.filter(role=Assistant.Role.BA)

    def with_load(self):
        """Annotate `load`: the number of active assignments (one query, no query per row)."""
        return self.annotate(load=Count("assignments", filter=Q(assignments__end_date__isnull=True)))


class Assistant(models.Model):
    """A program companion: PMO, Business Assistant or another pendamping."""

    class Role(models.TextChoices):
        PMO = "PMO", _("PMO")
        BA = "BA", _("Business Assistant (BA)")
        PPKL = "PPKL", _("PPKL")
        DUMISAKE = "DUMISAKE", _("Pendamping Dumisake")
        PROVINCIAL = "PROVINSI", _("Pendamping Provinsi")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RESIGNED = "resigned", _("resigned")

    class Gender(models.TextChoices):
        MALE = "L", _("male")
        FEMALE = "P", _("female")

    name = models.CharField(_("name"), max_length=150)
    nik = models.CharField(
        _("NIK"), max_length=16, unique=True, validators=[validate_nik], help_text=_("16-digit population ID number.")
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, db_index=True)
    work_area = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="assistants",
        limit_choices_to={"level__in": [Region.Level.PROVINCE, Region.Level.REGENCY]},
        verbose_name=_("work area"),
        help_text=_("A regency/city, or the province for provincial staff."),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised",
        limit_choices_to={"role": "PMO"},
        verbose_name=_("supervising PMO"),
    )
    contract_start = models.DateField(_("contract starts"), null=True, blank=True)
    contract_end = models.DateField(_("contract ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistant",
        verbose_name=_("login"),
    )

    objects = AssistantQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("assistant history"))

    class Meta:
        ordering = ["work_area_id", "role", "name"]
        verbose_name = _("assistant")
        verbose_name_plural = _("assistants")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="assistant_contract_ends_after_start",
                violation_error_message=_("The contract cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assistants:detail", args=[self.pk])

    @property
    def masked_nik(self):
        return mask_nik(self.nik)

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def capacity(self):
        return settings.KDKMP_BA_CAPACITY

    def clean(self):
        errors = {}
        if self.work_area_id:
            area = self.work_area
            if area.level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
                errors["work_area"] = _("The work area must be a regency/city or a province.")
            elif self.role == self.Role.BA and area.level != Region.Level.REGENCY:
                errors["work_area"] = _("A Business Assistant works in one regency/city.")
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            errors["contract_end"] = _("The contract cannot end before it starts.")
        if self.supervisor_id:
            if self.supervisor_id == self.pk:
                errors["supervisor"] = _("An assistant cannot supervise themselves.")
            elif self.supervisor.role != self.Role.PMO:
                errors["supervisor"] = _("The supervisor must be a PMO.")
        if errors:
            raise ValidationError(errors)


class AssignmentQuerySet(ScopedQuerySet):
    scope_field = "cooperative__village__code"
    caseload_assistant_field = "assistant_id"

    def active(self):
        return self.filter(ACTIVE)


class Assignment(models.Model):
    """A BA accompanies a cooperative from start_date; end_date set = ended. Never deleted."""

    assistant = models.ForeignKey(
        Assistant, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("Business Assistant")
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("cooperative")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("end recorded at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("assignment history"))

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative"],
                condition=Q(end_date__isnull=True),
                name="one_active_assignment_per_cooperative",
                violation_error_message=_("This cooperative already has an active Business Assistant."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["assistant", "end_date"], name="assignment_caseload")]

    def __str__(self):
        return f"{self.assistant} → {self.cooperative}"

    @property
    def is_active(self):
        return self.end_date is None
