"""Training programs, their cohorts, who is enrolled, and daily attendance.

Writes that carry rules (enroll, attendance, completion, certificates) go through
`trainings.services`; the models declare the rules the database itself must keep.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assistants.models import Assistant
from cooperatives.models import BoardMember, Region
from core.scoping import ScopedQuerySet, scope_code, scope_q

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class TrainingProgramQuerySet(models.QuerySet):
    def for_user(self, user):
        """Programs are a shared catalogue (curricula are national): every user with a scope
        sees all of them; cohorts, enrollments and attendance are what is scoped."""
        if scope_code(user) is None:
            return self.none()
        return self.all()

    def editable_by(self, user):
        """Programs a user may change: those owned by a region inside the user's scope. A program
        shared by other regions' cohorts is owned by the province (or nation) that made it, so a
        regency cannot change its audience or threshold under the others' feet; programs without
        an owner are the national catalogue (superusers only)."""
        code = scope_code(user)
        if code is None:
            return self.none()
        return self.all() if code == "" else self.filter(scope_q(user, "owner_region__code"))


class TrainingProgram(models.Model):
    class Audience(models.TextChoices):
        STAFF = "staff", _("Program staff (PMO, BA, other pendamping)")
        BOARD = "board", _("Cooperative boards (pengurus, pengawas)")

    title = models.CharField(_("title"), max_length=200, unique=True)
    audience = models.CharField(_("audience"), max_length=5, choices=Audience.choices, db_index=True)
    positions = models.JSONField(
        _("board positions"),
        default=list,
        blank=True,
        help_text=_("For board programs: the positions it is meant for (empty: any position)."),
    )
    topics = models.TextField(_("topics"), blank=True)
    hours = models.PositiveSmallIntegerField(_("lesson hours"), default=0)
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the cohort days a participant must attend to complete."),
    )
    pass_mark = models.DecimalField(
        _("post-test pass mark"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Leave empty if completion does not depend on a test."),
    )
    owner_region = models.ForeignKey(
        "cooperatives.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The office that keeps this program; only its staff change it (empty: the national catalogue)."),
    )

    objects = TrainingProgramQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_threshold__gte=1) & Q(attendance_threshold__lte=100),
                name="program_threshold_is_a_percentage",
                violation_error_message=_("The attendance threshold must be a percentage from 1 to 100."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("trainings:cohort_list") + f"?program={self.pk}"

    def is_editable_by(self, user) -> bool:
        return TrainingProgram.objects.editable_by(user).filter(pk=self.pk).exists()

    def clean(self):
        if self.positions:
            if not isinstance(self.positions, list) or not all(isinstance(p, str) for p in self.positions):
                raise ValidationError({"positions": _("Unknown board position.")})
            unknown = set(self.positions) - set(BoardMember.Position.values)
            if unknown:
                raise ValidationError({"positions": _("Unknown board position.")})
            if self.audience != self.Audience.BOARD:
                raise ValidationError({"positions": _("Only a board program names board positions.")})

    def get_positions_display(self):
        labels = dict(BoardMember.Position.choices)
        return ", ".join(str(labels[p]) for p in self.positions if p in labels)


class CohortQuerySet(ScopedQuerySet):
    scope_field = "region__code"
    caseload_exempt = True  # cohorts are announcements; their participants are scoped

    def for_user(self, user):
        """Cohorts held in the user's region, and the province-wide cohorts above it: a regency's
        BAs and PMO attend the province's cohorts, so its staff follow them (and see their own
        participants in them). Changing a province cohort needs a province scope (`editable_by`)."""
        code = scope_code(user)
        if code is None:
            return self.none()
        if code == "":
            # The whole nation. Not through the OR below: "everything" is the empty Q(), which is
            # the identity of `|` too, so Q() | Q(region__code__in=[]) would keep no cohort at all.
            return self.all()
        ancestors = Region(code=code).ancestor_codes()
        return self.filter(scope_q(user, self.scope_field) | Q(region__code__in=ancestors))

    def editable_by(self, user):
        return self.filter(scope_q(user, self.scope_field))


class Cohort(models.Model):
    """One run (batch/wave) of a program: dates, venue, organizer, trainers, capacity."""

    program = models.ForeignKey(
        TrainingProgram, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("program")
    )
    number = models.PositiveSmallIntegerField(_("batch/wave number"), default=1)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=200)
    organizer = models.CharField(_("organizer"), max_length=200)
    trainers = models.TextField(_("trainers"), blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="cohorts",
        limit_choices_to={"level__in": [Region.Level.PROVINCE, Region.Level.REGENCY]},
        verbose_name=_("region"),
        help_text=_("The province or regency/city holding the cohort."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "program_id", "number"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "region", "number"],
                name="one_cohort_number_per_program_and_region",
                violation_error_message=_("This program already has a cohort with this number in this region."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="cohort_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="cohort_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
        ]

    def __str__(self):
        return _("%(program)s, batch %(number)s") % {"program": self.program.title, "number": self.number}

    def get_absolute_url(self):
        return reverse("trainings:cohort_detail", args=[self.pk])

    @property
    def days(self):
        """Every calendar day from the first to the last day (a cohort runs on consecutive days)."""
        if not self.start_date or not self.end_date:
            return []
        return [self.start_date + dt.timedelta(days=i) for i in range((self.end_date - self.start_date).days + 1)]

    def clean(self):
        errors = {}
        if self.region_id and self.region.level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
            errors["region"] = _("A cohort is held by a province or a regency/city.")
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = _("The last day cannot be before the first day.")
            elif (self.end_date - self.start_date).days > 60:
                errors["end_date"] = _("A cohort lasts at most 61 days.")
        if errors:
            raise ValidationError(errors)


class EnrollmentQuerySet(ScopedQuerySet):
    """Scoped by the participant's region (the assistant's work area or the cooperative's
    village, copied onto the enrollment), so a regency sees its own people in a province cohort."""

    scope_field = "region__code"
    caseload_assistant_field = "assistant_id"  # a BA's own login sees their own trainings

    def active(self):
        return self.exclude(status=Enrollment.Status.WITHDRAWN)

    def with_people(self):
        return self.select_related("assistant__work_area", "board_member__cooperative__village__parent__parent")


class Enrollment(models.Model):
    """One person in one cohort: an assistant or a board member, exactly one of the two."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        COMPLETED = "completed", _("completed")
        NOT_COMPLETED = "not_completed", _("not completed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("cohort"))
    assistant = models.ForeignKey(
        Assistant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("assistant"),
    )
    board_member = models.ForeignKey(
        BoardMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("board member"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("participant's region"),
        help_text=_("The assistant's work area or the cooperative's village when enrolled."),
    )
    status = models.CharField(
        _("status"), max_length=13, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    pre_test = models.DecimalField(
        _("pre-test score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    post_test = models.DecimalField(
        _("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_date = models.DateField(_("certificate dated"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("enrollment history"))

    class Meta:
        ordering = ["cohort_id", "region_id", "id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.CheckConstraint(
                condition=Q(assistant__isnull=False, board_member__isnull=True)
                | Q(assistant__isnull=True, board_member__isnull=False),
                name="enrollment_is_an_assistant_or_a_board_member",
                violation_error_message=_("A participant is either an assistant or a board member, not both."),
            ),
            models.UniqueConstraint(
                fields=["cohort", "assistant"],
                condition=Q(assistant__isnull=False),
                name="assistant_enrolled_once_per_cohort",
                violation_error_message=_("This person is already enrolled in this cohort."),
            ),
            models.UniqueConstraint(
                fields=["cohort", "board_member"],
                condition=Q(board_member__isnull=False),
                name="board_member_enrolled_once_per_cohort",
                violation_error_message=_("This person is already enrolled in this cohort."),
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="certificate_number_unique",
                violation_error_message=_("This certificate number is already used."),
            ),
            models.CheckConstraint(
                condition=Q(certificate_number="") | Q(status="completed"),
                name="certificate_only_when_completed",
                violation_error_message=_("Only a participant who completed gets a certificate."),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="enrollment_cohort_status")]

    def __str__(self):
        return f"{self.person} · {self.cohort}"

    @property
    def person(self):
        return self.assistant if self.assistant_id else self.board_member

    @property
    def name(self):
        return self.person.name

    @property
    def role_label(self):
        """PMO / BA / ... for staff, the board position for board members."""
        if self.assistant_id:
            return self.assistant.get_role_display()
        return self.board_member.get_position_display()

    @property
    def role_key(self):
        return self.assistant.role if self.assistant_id else self.board_member.position

    @property
    def regency_name(self):
        """The participant's regency/city (or province, for provincial staff)."""
        if self.assistant_id:
            return self.assistant.work_area.name
        return self.board_member.cooperative.village.parent.parent.name

    @property
    def nik_ending(self):
        """The NIK's last four digits ("…0003"): tells two people of the same name apart
        without showing the NIK (every role may see this much)."""
        nik = self.person.nik or ""
        return f"…{nik[-4:]}" if len(nik) >= 4 else ""

    @property
    def search_text(self):
        """What a sheet's filter box matches: name, role, origin, regency and NIK ending."""
        parts = (self.name, self.role_label, self.affiliation, self.regency_name, self.nik_ending)
        return " ".join(str(part) for part in parts).lower()

    @property
    def affiliation(self):
        """Where the person comes from: the work area, or the cooperative."""
        if self.assistant_id:
            return self.assistant.work_area.name
        return self.board_member.cooperative.name

    def clean(self):
        if bool(self.assistant_id) == bool(self.board_member_id):
            raise ValidationError(_("A participant is either an assistant or a board member, not both."))


class AttendanceQuerySet(ScopedQuerySet):
    scope_field = "enrollment__region__code"
    caseload_assistant_field = "enrollment__assistant_id"


class Attendance(models.Model):
    """Presence of one participant on one cohort day; who recorded it last, and when."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("participant")
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = AttendanceQuerySet.as_manager()
    # Every change of a mark is kept (who, when, what): the row itself shows only the latest.
    history = HistoricalRecords(verbose_name=_("attendance history"))

    class Meta:
        ordering = ["enrollment_id", "day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "day"],
                name="one_attendance_per_participant_and_day",
                violation_error_message=_("Attendance for this day is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.enrollment_id} {self.day}: {'✓' if self.present else '✗'}"
