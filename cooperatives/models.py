from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import problems, regions
from core.problems import Problem
from core.scoping import ScopedQuerySet
from core.validators import mask_nik, validate_nib, validate_nik, validate_npwp, validate_phone


# Kemendagri code forms per level: 15 / 15.71 / 15.71.01 / 15.71.01.1001
class RegionQuerySet(ScopedQuerySet):
    scope_field = "code"
    caseload_exempt = True  # region names are public; a BA still needs them for filters

    def under(self, code):
        """Everything beneath a region (prefix query on the materialized path)."""
        return self.filter(regions.beneath_q("code", code))


class Region(models.Model):
    """A Kemendagri administrative region; the dotted code is the primary key and a
    materialized path ("everything under 15.05" is a prefix query)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        REGENCY = "regency", _("regency/city")
        DISTRICT = "district", _("district")
        VILLAGE = "village", _("village")

    class VillageKind(models.TextChoices):
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    kind = models.CharField(_("village kind"), max_length=10, choices=VillageKind.choices, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def is_kota(self):
        """Regencies 01–69 are kabupaten, 71–99 are kota."""
        return self.level == self.Level.REGENCY and int(self.code[-2:]) >= 71

    @staticmethod
    def level_of(code):
        return regions.level_of(code)

    @staticmethod
    def kind_of(village_code):
        """Village kind from the first digit of its 4-digit part: 1 kelurahan, 2/3 desa."""
        return Region.VillageKind.KELURAHAN if village_code[-4] == "1" else Region.VillageKind.DESA

    def ancestor_codes(self):
        return regions.ancestors_of(self.code)

    def clean(self):
        level = self.level_of(self.code or "")
        if level is None:
            raise ValidationError({"code": _("“%(code)s” is not a Kemendagri region code.") % {"code": self.code}})
        if self.level != level:
            raise ValidationError({"level": _("The code's form does not match the level.")})
        expected_parent = regions.parent_of(self.code) or None
        if self.parent_id != expected_parent:
            raise ValidationError({"parent": _("The parent must be the code without its last part.")})


class CooperativeQuerySet(ScopedQuerySet):
    scope_field = "village__code"
    caseload_assignments = "assignments"

    def with_regions(self):
        """Village, district and regency in the same query (for lists and breadcrumbs)."""
        return self.select_related("village__parent__parent")

    def with_ba_name(self):
        """`ba_name`: the BA accompanying each cooperative now, in the same query (assistants sits
        above this app: its model is reached through the relation)."""
        assignment = self.model._meta.get_field("assignments").related_model
        active = assignment.objects.filter(cooperative=OuterRef("pk"), end_date__isnull=True)
        return self.annotate(ba_name=Subquery(active.values("assistant__name")[:1]))


class LandStatus(models.TextChoices):
    NONE = "none", _("no land yet")
    PROPOSED = "proposed", _("land proposed")
    VERIFIED = "verified", _("land verified")
    READY = "ready", _("land ready")


class BuildStatus(models.TextChoices):
    NOT_APPLICABLE = "na", _("not applicable")
    NOT_STARTED = "not_started", _("not started")
    STARTED = "started", _("under construction")
    FINISHED = "finished", _("finished")


class Bank(models.TextChoices):
    """The Himbara banks holding the program's placement (PMK 49/2025)."""

    BRI = "BRI", "BRI"
    BNI = "BNI", "BNI"
    MANDIRI = "MANDIRI", "Mandiri"
    BTN = "BTN", "BTN"
    BSI = "BSI", "BSI"


# PMK 49/2025: a Himbara loan to one KDKMP is at most Rp 3 billion.
LOAN_CEILING = 3_000_000_000
# "Actively updating SIMKOPDES": its data was updated within this many days (the national
# dashboards count accounts and, apart, those updating; see docs/progress.md).
SIMKOPDES_ACTIVE_DAYS = 30


class Cooperative(models.Model):
    """A Koperasi Desa/Kelurahan Merah Putih, seated in one village."""

    class Kind(models.TextChoices):
        KDMP = "KDMP", _("KDMP (village)")
        KKMP = "KKMP", _("KKMP (urban village)")

    class Scheme(models.TextChoices):
        NEW = "baru", _("new formation")
        DEVELOPMENT = "pengembangan", _("development of an existing cooperative")
        REVITALISATION = "revitalisasi", _("revitalisation")

    # Milestones in the order a cooperative reaches them: (field name, label).
    MILESTONES = [
        ("musdesus_date", _("Special village meeting (Musdesus)")),
        ("notary_deed_date", _("Notarial deed")),
        ("legal_entity_date", _("Legal entity (AHU)")),
        ("simkopdes_date", _("SIMKOPDES account")),
        ("business_plan_date", _("Business plan")),
        ("loan_proposal_date", _("Loan proposal")),
        ("outlet_operating_date", _("Outlet operating")),
    ]

    # Formation, edited with the cooperative's data; the milestones after it on the progress page.
    FORMATION_STEPS = ["musdesus_date", "notary_deed_date", "legal_entity_date"]
    # The Himbara loan pipeline: each step needs every step before it (clean()).
    LOAN_STEPS = [
        ("simkopdes_date", _("SIMKOPDES account")),
        ("simkopdes_verified_date", _("Verified by the ministry")),
        ("profile_complete_date", _("Profile, members, area and population complete")),
        ("loan_proposal_date", _("Business plan and loan proposal")),
        ("village_approval_date", _("Approved by the village meeting")),
        ("bank_submitted_date", _("Submitted to the bank")),
        ("bank_verified_date", _("Verified by the bank")),
        ("loan_agreement_date", _("Loan agreement signed")),
        ("loan_disbursed_date", _("Disbursed")),
        ("repayment_start_date", _("Repaying")),
    ]
    # Every dated fact of the build and the pipeline (none may lie in the future).
    PROGRESS_DATES = [
        "simkopdes_updated_date",
        "construction_started_date",
        "construction_finished_date",
        "warehouse_started_date",
        "warehouse_finished_date",
        "warehouse_operating_date",
        *[field for field, _label in LOAN_STEPS],
    ]

    village = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        related_name="cooperative",
        limit_choices_to={"level": Region.Level.VILLAGE},
        verbose_name=_("seat village"),
        help_text=_("The desa or kelurahan where the cooperative is seated."),
    )
    extra_villages = models.ManyToManyField(
        Region,
        blank=True,
        related_name="shared_cooperatives",
        limit_choices_to={"level": Region.Level.VILLAGE},
        verbose_name=_("other villages served"),
        help_text=_("Only for a cooperative formed jointly by small villages (under 500 people)."),
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, db_index=True)
    formation_scheme = models.CharField(
        _("formation scheme"), max_length=12, choices=Scheme.choices, default=Scheme.NEW
    )

    # Legal data: distinct names (the cooperative number is never a bare "nik").
    ahu_number = models.CharField(_("AHU legal-entity number"), max_length=60, blank=True)
    cooperative_number = models.CharField(_("Nomor Induk Koperasi"), max_length=30, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[validate_nib])
    npwp = models.CharField(_("NPWP"), max_length=20, blank=True, validators=[validate_npwp])

    musdesus_date = models.DateField(_("Musdesus held on"), null=True, blank=True)
    notary_deed_date = models.DateField(_("notarial deed dated"), null=True, blank=True)
    legal_entity_date = models.DateField(_("legal entity approved on"), null=True, blank=True)
    simkopdes_date = models.DateField(_("SIMKOPDES account since"), null=True, blank=True)
    business_plan_date = models.DateField(_("business plan approved on"), null=True, blank=True)
    loan_proposal_date = models.DateField(_("loan proposal submitted on"), null=True, blank=True)
    outlet_operating_date = models.DateField(_("outlet operating since"), null=True, blank=True)

    # --- After formation (issue 14): SIMKOPDES, the outlet build and the Himbara loan ----------
    simkopdes_verified_date = models.DateField(_("SIMKOPDES verified by the ministry on"), null=True, blank=True)
    simkopdes_updated_date = models.DateField(
        _("SIMKOPDES data last updated on"),
        null=True,
        blank=True,
        help_text=_("Counted as actively updating when updated in the last 30 days."),
    )
    profile_complete_date = models.DateField(
        _("profile, members, area and population complete on"), null=True, blank=True
    )
    land_status = models.CharField(_("outlet land"), max_length=10, choices=LandStatus.choices, default="none")
    construction_status = models.CharField(
        _("outlet construction"), max_length=12, choices=BuildStatus.choices, default="not_started"
    )
    construction_started_date = models.DateField(_("construction started on"), null=True, blank=True)
    construction_percent = models.PositiveSmallIntegerField(_("construction progress (%)"), null=True, blank=True)
    construction_finished_date = models.DateField(_("construction finished on"), null=True, blank=True)
    warehouse_status = models.CharField(
        _("warehouse / cold storage"), max_length=12, choices=BuildStatus.choices, default="na"
    )
    warehouse_started_date = models.DateField(_("warehouse construction started on"), null=True, blank=True)
    warehouse_percent = models.PositiveSmallIntegerField(_("warehouse progress (%)"), null=True, blank=True)
    warehouse_finished_date = models.DateField(_("warehouse finished on"), null=True, blank=True)
    warehouse_operating_date = models.DateField(_("warehouse operating since"), null=True, blank=True)
    village_approval_date = models.DateField(_("loan approved by the village meeting on"), null=True, blank=True)
    bank_submitted_date = models.DateField(_("loan submitted to the bank on"), null=True, blank=True)
    bank_verified_date = models.DateField(_("loan verified by the bank on"), null=True, blank=True)
    loan_agreement_date = models.DateField(_("loan agreement signed on"), null=True, blank=True)
    loan_disbursed_date = models.DateField(_("loan disbursed on"), null=True, blank=True)
    repayment_start_date = models.DateField(_("repaying since"), null=True, blank=True)
    loan_bank = models.CharField(_("bank (Himbara)"), max_length=7, choices=Bank.choices, blank=True)
    loan_amount_requested = models.PositiveBigIntegerField(_("ceiling asked (Rp)"), null=True, blank=True)
    loan_amount_approved = models.PositiveBigIntegerField(_("ceiling approved (Rp)"), null=True, blank=True)

    members_count = models.PositiveIntegerField(_("members"), default=0)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CooperativeQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("cooperative history"), excluded_fields=["updated_at"])

    class Meta:
        ordering = ["village_id"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        # The database's backstop for the figures clean() words for the pages and imports.
        constraints = [
            models.CheckConstraint(
                condition=Q(construction_percent__isnull=True) | Q(construction_percent__lte=100),
                name="construction_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(warehouse_percent__isnull=True) | Q(warehouse_percent__lte=100),
                name="warehouse_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(loan_amount_requested__isnull=True) | Q(loan_amount_requested__lte=LOAN_CEILING),
                name="loan_requested_within_ceiling",
            ),
            models.CheckConstraint(
                condition=Q(loan_amount_approved__isnull=True)
                | Q(loan_amount_requested__isnull=False, loan_amount_approved__lte=models.F("loan_amount_requested")),
                name="loan_approved_within_requested",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperatives:detail", args=[self.pk])

    @staticmethod
    def official_name(village):
        """The naming rule: "Koperasi Desa/Kelurahan Merah Putih <village>"."""
        word = "Kelurahan" if village.kind == Region.VillageKind.KELURAHAN else "Desa"
        return f"Koperasi {word} Merah Putih {village.name}"

    @staticmethod
    def kind_for(village):
        return Cooperative.Kind.KKMP if village.kind == Region.VillageKind.KELURAHAN else Cooperative.Kind.KDMP

    @property
    def district(self):
        return self.village.parent

    @property
    def regency(self):
        return self.village.parent.parent

    @property
    def milestones(self):
        """[(label, date or None)] in order."""
        return [(label, getattr(self, field)) for field, label in self.MILESTONES]

    @property
    def formation_milestones(self):
        """The formation steps (musdesus, deed, legal entity); what follows is on the progress card."""
        return [
            (label, day)
            for (field, _l), (label, day) in zip(self.MILESTONES, self.milestones, strict=True)
            if field in self.FORMATION_STEPS
        ]

    @property
    def latest_milestone(self):
        reached = [label for label, day in self.milestones if day]
        return reached[-1] if reached else None

    def village_conflicts(self, villages, seats=True):
        """Messages for the villages that already belong to another cooperative: as its seat
        (unless seats=False) or as a village it serves jointly. A village has one cooperative.
        Not part of clean(): it queries, and imports check the same in bulk."""
        codes = [village.code for village in villages]
        if not codes:
            return []
        messages = []
        if seats:
            for other in Cooperative.objects.filter(village_id__in=codes).exclude(pk=self.pk).select_related("village"):
                messages.append(
                    _("%(village)s is already the seat of %(cooperative)s.")
                    % {"village": other.village.name, "cooperative": other.name}
                )
        links = (
            Cooperative.extra_villages.through.objects.filter(region_id__in=codes)
            .exclude(cooperative_id=self.pk)
            .select_related("region", "cooperative")
        )
        for link in links:
            messages.append(
                _("%(village)s is already served jointly by %(cooperative)s.")
                % {"village": link.region.name, "cooperative": link.cooperative.name}
            )
        return messages

    def clean(self):
        errors = {}
        village = self.village if self.village_id else None
        if village is not None:
            if village.level != Region.Level.VILLAGE:
                errors["village"] = _("“%(name)s” is not a desa or kelurahan.") % {"name": village.name}
            elif self.kind and self.kind != self.kind_for(village):
                errors["kind"] = _("A cooperative in a %(village_kind)s must be a %(kind)s.") % {
                    "village_kind": village.get_kind_display(),
                    "kind": self.kind_for(village),
                }
        # Dates in order: musdesus, then the deed, then the legal entity; everything after
        # the legal entity needs it first; none in the future.
        today = timezone.localdate()
        labels = dict(self.MILESTONES)
        for field, label in self.MILESTONES:
            day = getattr(self, field)
            if day and day > today:
                errors.setdefault(field, _("%(milestone)s cannot be in the future.") % {"milestone": label})
        chain = ["musdesus_date", "notary_deed_date", "legal_entity_date"]
        for earlier, later in zip(chain, chain[1:], strict=False):
            a, b = getattr(self, earlier), getattr(self, later)
            if a and b and b < a:
                errors.setdefault(
                    later,
                    _("%(later)s cannot be before %(earlier)s.") % {"later": labels[later], "earlier": labels[earlier]},
                )
        for field in ["simkopdes_date", "business_plan_date", "loan_proposal_date", "outlet_operating_date"]:
            day = getattr(self, field)
            if day and self.legal_entity_date and day < self.legal_entity_date:
                errors.setdefault(
                    field,
                    _("%(later)s cannot be before %(earlier)s.")
                    % {"later": labels[field], "earlier": labels["legal_entity_date"]},
                )
        if self.loan_proposal_date and not self.legal_entity_date:
            errors.setdefault("loan_proposal_date", _("A loan proposal needs the legal entity first."))
        for field, message in self.progress_errors().items():
            errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)

    @property
    def loan_steps(self):
        """[(label, date or None)] of the loan pipeline, in order."""
        return [(label, getattr(self, field)) for field, label in self.LOAN_STEPS]

    @property
    def loan_step(self):
        """The last pipeline step reached (its label), or None."""
        reached = [label for label, day in self.loan_steps if day]
        return reached[-1] if reached else None

    @property
    def simkopdes_active(self) -> bool:
        """Actively updating SIMKOPDES: updated within the last SIMKOPDES_ACTIVE_DAYS days."""
        day = self.simkopdes_updated_date
        return bool(day) and (timezone.localdate() - day).days < SIMKOPDES_ACTIVE_DAYS

    def follow_reported_build(self) -> None:
        """A BA reports the build's dates and percentage, not its status: a finish date means it
        finished (at 100%), a start date or a percentage that it started. The land is reported as
        it is; Cooperative.clean then checks the result as for any form (land ready first...)."""
        if self.construction_finished_date:
            self.construction_status, self.construction_percent = BuildStatus.FINISHED, 100
        elif self.construction_started_date or self.construction_percent is not None:
            if self.construction_status == BuildStatus.NOT_STARTED:
                self.construction_status = BuildStatus.STARTED

    def progress_errors(self) -> dict:
        """The rules of what happens after formation, {field: message}: a pipeline step needs the
        steps before it, the build follows land → start → finish, amounts within the ceiling."""
        errors = {}
        labels = dict(self.LOAN_STEPS)
        today = timezone.localdate()
        for field in self.PROGRESS_DATES:
            day = getattr(self, field)
            if day and day > today:
                label = labels.get(field) or self._meta.get_field(field).verbose_name
                errors.setdefault(field, _("%(milestone)s cannot be in the future.") % {"milestone": label})
        previous = None
        for field, label in self.LOAN_STEPS:
            day = getattr(self, field)
            if previous is not None and day:
                before, before_label = getattr(self, previous), labels[previous]
                if not before:
                    errors.setdefault(
                        field, _("%(later)s needs %(earlier)s first.") % {"later": label, "earlier": before_label}
                    )
                elif day < before:
                    errors.setdefault(
                        field,
                        _("%(later)s cannot be before %(earlier)s.") % {"later": label, "earlier": before_label},
                    )
            previous = field
        if self.simkopdes_updated_date and not self.simkopdes_date:
            errors.setdefault("simkopdes_updated_date", _("An update needs the SIMKOPDES account first."))
        elif self.simkopdes_updated_date and self.simkopdes_updated_date < self.simkopdes_date:
            errors.setdefault("simkopdes_updated_date", _("The last update cannot be before the account was opened."))
        if self.bank_submitted_date and not self.loan_bank:
            errors.setdefault("loan_bank", _("Name the bank the proposal was submitted to."))
        if self.loan_amount_requested is not None and self.loan_amount_requested > LOAN_CEILING:
            errors.setdefault("loan_amount_requested", _("A Himbara loan to a cooperative is at most Rp 3 billion."))
        if self.loan_amount_approved is not None:
            if self.loan_amount_requested is None:
                errors.setdefault("loan_amount_requested", _("Give the ceiling asked before the ceiling approved."))
            elif self.loan_amount_approved > self.loan_amount_requested:
                errors.setdefault("loan_amount_approved", _("The ceiling approved cannot exceed the ceiling asked."))
        if self.loan_agreement_date and not self.loan_amount_approved:
            errors.setdefault("loan_amount_approved", _("A signed agreement needs the ceiling approved."))
        self._build_errors(errors, "construction", land_needed=True)
        self._build_errors(errors, "warehouse", land_needed=False)
        if self.warehouse_operating_date and self.warehouse_status != BuildStatus.FINISHED:
            errors.setdefault("warehouse_operating_date", _("A warehouse operates only once it is finished."))
        if self.construction_status == BuildStatus.NOT_APPLICABLE:
            errors.setdefault("construction_status", _("Every cooperative builds an outlet (Inpres 17/2025)."))
        return errors

    def _build_errors(self, errors: dict, prefix: str, *, land_needed: bool) -> None:
        """One build (the outlet or the warehouse): started needs its start date (and, for the
        outlet, the land ready); finished needs the finish date, not before the start, at 100%."""
        status = getattr(self, f"{prefix}_status")
        started, finished = f"{prefix}_started_date", f"{prefix}_finished_date"
        percent = f"{prefix}_percent"
        if status in (BuildStatus.NOT_APPLICABLE, BuildStatus.NOT_STARTED):
            for field in (started, finished, percent):
                if getattr(self, field) not in (None, ""):
                    errors.setdefault(field, _("Only a build that has started has this."))
            return
        if land_needed and self.land_status != LandStatus.READY:
            errors.setdefault("land_status", _("Construction needs the land ready first."))
        if not getattr(self, started):
            errors.setdefault(started, _("Give the date construction started."))
        if getattr(self, percent) is not None and getattr(self, percent) > 100:
            errors.setdefault(percent, _("Progress is a percentage from 0 to 100."))
        if status == BuildStatus.STARTED and getattr(self, finished):
            errors.setdefault(finished, _("A build still under construction has no finish date."))
        if status == BuildStatus.FINISHED:
            if not getattr(self, finished):
                errors.setdefault(finished, _("Give the date construction finished."))
            elif getattr(self, started) and getattr(self, finished) < getattr(self, started):
                errors.setdefault(finished, _("The build cannot finish before it started."))
            if getattr(self, percent) not in (None, 100):
                errors.setdefault(percent, _("A finished build is at 100%."))


class BusinessUnitQuerySet(ScopedQuerySet):
    scope_field = "cooperative__village__code"
    caseload_assignments = "cooperative__assignments"


class BusinessUnit(models.Model):
    class Type(models.TextChoices):
        OFFICE = "kantor", _("Cooperative office")
        GROCERY = "sembako", _("Basic-food outlet (sembako)")
        SAVINGS_LOANS = "simpan_pinjam", _("Savings and loans")
        CLINIC = "klinik", _("Village clinic")
        PHARMACY = "apotek", _("Village pharmacy")
        COLD_STORAGE = "cold_storage", _("Cold storage / warehousing")
        LOGISTICS = "logistik", _("Logistics")
        OTHER = "lainnya", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONSTRUCTION = "construction", _("under construction")
        OPERATING = "operating", _("operating")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="business_units", verbose_name=_("cooperative")
    )
    unit_type = models.CharField(_("unit"), max_length=15, choices=Type.choices, db_index=True)
    other_name = models.CharField(_("name of other unit"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("operating since"), null=True, blank=True)

    objects = BusinessUnitQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("business unit history"))

    class Meta:
        ordering = ["cooperative_id", "unit_type"]
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "unit_type"],
                condition=~Q(unit_type="lainnya"),
                name="one_standard_unit_type_per_cooperative",
                violation_error_message=_("This cooperative already has this business unit."),
            )
        ]

    def __str__(self):
        return self.other_name if self.unit_type == self.Type.OTHER else self.get_unit_type_display()

    def clean(self):
        if self.unit_type == self.Type.OTHER and not self.other_name.strip():
            raise ValidationError({"other_name": _("Name the unit when its type is “Other”.")})
        if self.started_on and self.status != self.Status.OPERATING:
            raise ValidationError({"started_on": _("Only an operating unit has an operating date.")})


class PartnershipQuerySet(ScopedQuerySet):
    scope_field = "cooperative__village__code"
    caseload_assignments = "cooperative__assignments"


class Partnership(models.Model):
    """A cooperative's partner after formation: Koperasi Manis consignment, a free-meals (MBG)
    kitchen it supplies, Bulog, Pertamina LPG, a BRILink agency..."""

    class Kind(models.TextChoices):
        SUPPLY = "supply", _("supply to the cooperative")
        OFFTAKE = "offtake", _("offtake of members' produce")
        AGENCY = "agency", _("agency (LPG, fertiliser, BRILink...)")
        MBG = "mbg", _("supplier to a free-meals (MBG) kitchen")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("in preparation")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("cooperative")
    )
    partner = models.CharField(_("partner"), max_length=150)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    started_on = models.DateField(_("start date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    monthly_value = models.PositiveBigIntegerField(_("monthly value (Rp)"), default=0)

    objects = PartnershipQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("partnership history"))

    class Meta:
        ordering = ["cooperative_id", "-started_on", "partner"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="partnership_ends_after_start",
                violation_error_message=_("A partnership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_kind_display()})"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.ended_on and self.ended_on > today:
            errors["ended_on"] = _("The end date cannot be in the future.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("A partnership cannot end before it starts.")
        if self.status == self.Status.ENDED and not self.ended_on:
            errors["ended_on"] = _("Give the date the partnership ended.")
        if self.status != self.Status.ENDED and self.ended_on:
            errors["ended_on"] = _("Only an ended partnership has an end date.")
        if self.status == self.Status.ACTIVE and self.started_on and self.started_on > today:
            errors["started_on"] = _("An active partnership has started already.")
        if errors:
            raise ValidationError(errors)


class BoardMemberQuerySet(ScopedQuerySet):
    scope_field = "cooperative__village__code"
    caseload_assignments = "cooperative__assignments"

    def in_position_order(self):
        """Ketua first, as a board is read, then by name."""
        order = models.Case(
            *[models.When(position=p, then=i) for i, p in enumerate(BoardMember.Position.values)],
            output_field=models.IntegerField(),
        )
        return self.order_by(order, "name")


# The single-holder rule's message, for the pages, the admin and the board import alike (the
# rule: BoardMember.clean for one seat against the stored board, services.seats_held_twice for a set).
problems.register({"position_taken": _("This cooperative already has a %(position)s.")})


class BoardMember(models.Model):
    class Position(models.TextChoices):
        CHAIR = "KETUA", _("Chair (Ketua)")
        VICE_CHAIR_BUSINESS = "WAKIL_KETUA_USAHA", _("Vice-chair, business")
        VICE_CHAIR_MEMBERSHIP = "WAKIL_KETUA_ANGGOTA", _("Vice-chair, membership")
        SECRETARY = "SEKRETARIS", _("Secretary")
        TREASURER = "BENDAHARA", _("Treasurer")
        SUPERVISOR_CHAIR = "KETUA_PENGAWAS", _("Chair of supervisors")
        SUPERVISOR = "ANGGOTA_PENGAWAS", _("Supervisor")
        MANAGER = "MANAJER", _("Manager")

    # Positions held by one person at a time in a cooperative.
    SINGLE_HOLDER = [
        Position.CHAIR,
        Position.VICE_CHAIR_BUSINESS,
        Position.VICE_CHAIR_MEMBERSHIP,
        Position.SECRETARY,
        Position.TREASURER,
        Position.SUPERVISOR_CHAIR,
        Position.MANAGER,
    ]

    class Gender(models.TextChoices):
        MALE = "L", _("male")
        FEMALE = "P", _("female")

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="board_members", verbose_name=_("cooperative")
    )
    name = models.CharField(_("name"), max_length=150)
    nik = models.CharField(
        _("NIK"), max_length=16, validators=[validate_nik], help_text=_("16-digit population ID number.")
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, db_index=True)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)

    objects = BoardMemberQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("board member history"))

    class Meta:
        ordering = ["cooperative_id", "position", "name"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        permissions = [("view_full_nik", _("Can see full NIK numbers (people's ID numbers)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "nik"],
                name="one_seat_per_person_per_cooperative",
                violation_error_message=_("This person is already on this cooperative's board."),
            ),
            # The database's backstop for the single-holder rule (clean() and the service's
            # cooperative lock also cover terms with an end date still ahead).
            models.UniqueConstraint(
                fields=["cooperative", "position"],
                condition=Q(term_end__isnull=True)
                & Q(
                    position__in=[
                        "KETUA",
                        "WAKIL_KETUA_USAHA",
                        "WAKIL_KETUA_ANGGOTA",
                        "SEKRETARIS",
                        "BENDAHARA",
                        "KETUA_PENGAWAS",
                        "MANAJER",
                    ]
                ),
                name="one_open_term_per_single_holder_position",
                violation_error_message=_("This cooperative already has someone in this position."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="board_term_ends_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_position_display()})"

    @property
    def masked_nik(self):
        return mask_nik(self.nik)

    def clean(self):
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})
        if self.cooperative_id and self.position in self.SINGLE_HOLDER:
            today = timezone.localdate()
            holders = (
                BoardMember.objects.filter(cooperative_id=self.cooperative_id, position=self.position)
                .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
                .exclude(pk=self.pk)
            )
            if holders.exists():
                problem = Problem("position_taken", {"position": self.get_position_display()})
                raise ValidationError({"position": ValidationError(problem.message, code=problem.code)})
