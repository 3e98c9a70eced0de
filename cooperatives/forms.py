from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, RupiahField, SeparatedDigitsField, ShownFieldsErrorsMixin

from .models import BoardMember, BuildStatus, BusinessUnit, Cooperative, Partnership
from .selectors import free_villages_for
from .services import change_cooperative, save_board_member

# Above this many free villages a select is too heavy for a slow link: type the code instead.
MAX_VILLAGE_OPTIONS = 3000

# Formation is edited with the cooperative's data; what follows it on the progress form.
MILESTONE_FIELDS = Cooperative.FORMATION_STEPS
EDITABLE_FIELDS = [
    "name",
    "formation_scheme",
    "members_count",
    "address",
    "phone",
    "email",
    "ahu_number",
    "cooperative_number",
    "nib",
    "npwp",
    *MILESTONE_FIELDS,
]


class CooperativeForm(ShownFieldsErrorsMixin, forms.ModelForm):
    """Edit form; the seat village is fixed once created (kind and name follow from it)."""

    class Meta:
        model = Cooperative
        fields = EDITABLE_FIELDS
        widgets = {field: DATE_WIDGET for field in MILESTONE_FIELDS} | {"address": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"phone": SeparatedDigitsField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Cooperative"), *self._head_fields(), "name", "formation_scheme", "members_count"),
            Fieldset(_("Contact"), "address", "phone", "email"),
            Fieldset(_("Legal data"), "ahu_number", "cooperative_number", "nib", "npwp"),
            Fieldset(_("Formation"), *MILESTONE_FIELDS),
            Submit("submit", _("Save")),
        )

    def _head_fields(self):
        return []


class CooperativeCreateForm(CooperativeForm):
    village = forms.ModelChoiceField(
        queryset=None,
        label=_("Seat village (desa/kelurahan)"),
        error_messages={"invalid_choice": _("Choose a desa or kelurahan in your region that has no cooperative yet.")},
    )

    class Meta(CooperativeForm.Meta):
        fields = ["village", *EDITABLE_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        villages = free_villages_for(user).select_related("parent__parent").order_by("code")
        self.fields["village"].queryset = villages
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "Leave empty for the official name, e.g. “Koperasi Desa Merah Putih Sungai Abang”."
        )
        free = villages.count()
        # Every desa and kelurahan of the scope has its cooperative: say so instead of an empty list.
        self.no_free_village = free == 0
        if self.no_free_village:
            self.fields["village"].help_text = _(
                "Every desa and kelurahan in your region already has a cooperative (one per village); "
                "a new village appears here once the Kemendagri region list has it."
            )
        if free > MAX_VILLAGE_OPTIONS:
            self.fields["village"].widget = forms.TextInput(attrs={"placeholder": "15.71.01.1001"})
            self.fields["village"].help_text = _("Type the Kemendagri code of the village.")
        else:
            self.fields["village"].label_from_instance = lambda v: (
                f"{v.parent.parent.name} › {v.parent.name} › {v.name} ({v.code})"
            )

    def _head_fields(self):
        return ["village"]

    def clean(self):
        cleaned = super().clean()
        village = cleaned.get("village")
        if village is not None:
            self.instance.village = village
            self.instance.kind = Cooperative.kind_for(village)
            if not cleaned.get("name"):
                cleaned["name"] = Cooperative.official_name(village)
                self.instance.name = cleaned["name"]
        return cleaned


class CooperativeAdminForm(forms.ModelForm):
    """The admin's form, the one place where the other villages served are edited: each village
    belongs to one cooperative only, as its seat or as a village it serves jointly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "extra_villages":  # as on the progress page: only what the user changed is written
                field.show_hidden_initial = True

    def clean(self):
        cleaned = super().clean()
        village = cleaned.get("village") or (self.instance.village if self.instance.village_id else None)
        if village is not None and "village" in self.changed_data:
            for message in self.instance.village_conflicts([village], seats=False):  # seats: the unique check
                self.add_error("village", message)
        extra = list(cleaned.get("extra_villages") or [])
        if village is not None and village in extra:
            self.add_error("extra_villages", _("The seat village cannot also be one of the other villages served."))
        for message in self.instance.village_conflicts([v for v in extra if v != village]):
            self.add_error("extra_villages", message)
        return cleaned


class BoardMemberForm(forms.ModelForm):
    class Meta:
        model = BoardMember
        fields = ["name", "nik", "gender", "phone", "position", "term_start", "term_end"]
        widgets = {"term_start": DATE_WIDGET, "term_end": DATE_WIDGET}
        field_classes = {"phone": SeparatedDigitsField, "nik": SeparatedDigitsField}

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def save(self, commit=True, *, by=None):
        """Through services.save_board_member (the position rule under the cooperative lock);
        raises ValidationError when another user took the position meanwhile."""
        member = super().save(commit=False)
        if commit:
            save_board_member(member, by=by)
        return member


class BusinessUnitForm(forms.ModelForm):
    class Meta:
        model = BusinessUnit
        fields = ["unit_type", "other_name", "status", "started_on"]
        widgets = {"started_on": DATE_WIDGET}

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


SIMKOPDES_FIELDS = ["simkopdes_date", "simkopdes_verified_date", "simkopdes_updated_date", "profile_complete_date"]
BUILD_FIELDS = [
    "land_status",
    "construction_status",
    "construction_started_date",
    "construction_percent",
    "construction_finished_date",
    "outlet_operating_date",
]
WAREHOUSE_FIELDS = [
    "warehouse_status",
    "warehouse_started_date",
    "warehouse_percent",
    "warehouse_finished_date",
    "warehouse_operating_date",
]
LOAN_FIELDS = [
    "business_plan_date",
    "loan_proposal_date",
    "loan_amount_requested",
    "village_approval_date",
    "loan_bank",
    "bank_submitted_date",
    "bank_verified_date",
    "loan_agreement_date",
    "loan_amount_approved",
    "loan_disbursed_date",
    "repayment_start_date",
]
PROGRESS_FIELDS = SIMKOPDES_FIELDS + BUILD_FIELDS + WAREHOUSE_FIELDS + LOAN_FIELDS


class ProgressForm(ShownFieldsErrorsMixin, forms.ModelForm):
    """What happens after formation: SIMKOPDES, the outlet build, the warehouse, the Himbara loan.
    Saved through services.change_cooperative with the reason the user gives (kept in the history)."""

    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        max_length=100,
        help_text=_("E.g. “Site visit 12 November”, “SIMKOPDES print-out from the cooperative”."),
    )

    class Meta:
        model = Cooperative
        fields = PROGRESS_FIELDS
        widgets = {field: DATE_WIDGET for field in PROGRESS_FIELDS if field.endswith("_date")}
        field_classes = {"loan_amount_requested": RupiahField, "loan_amount_approved": RupiahField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROGRESS_FIELDS:
            # The values the page showed travel with it: what the user did not change is not
            # written back, so a report approved while the page was open keeps its steps.
            self.fields[name].show_hidden_initial = True
        self.fields["construction_status"].choices = [
            c for c in self.fields["construction_status"].choices if c[0] != BuildStatus.NOT_APPLICABLE
        ]
        for name in ("loan_amount_requested", "loan_amount_approved"):
            self.fields[name].widget.attrs["placeholder"] = "3.000.000.000"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("SIMKOPDES", *SIMKOPDES_FIELDS),
            Fieldset(_("Outlet (gerai)"), *BUILD_FIELDS),
            Fieldset(_("Warehouse / cold storage"), *WAREHOUSE_FIELDS),
            Fieldset(_("Himbara loan, step by step"), *LOAN_FIELDS),
            "reason",
            Submit("submit", _("Save")),
        )

    def save(self, commit=True, *, by=None):
        cooperative = super().save(commit=False)
        if commit:
            # Only what the user changed on this page: a report approved since it was opened keeps its steps.
            changes = {name: getattr(cooperative, name) for name in self.changed_data if name in PROGRESS_FIELDS}
            cooperative = change_cooperative(cooperative.pk, changes, by=by, reason=self.cleaned_data["reason"])
        return cooperative


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["partner", "kind", "status", "started_on", "ended_on", "monthly_value"]
        widgets = {"started_on": DATE_WIDGET, "ended_on": DATE_WIDGET}
        field_classes = {"monthly_value": RupiahField}

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        self.fields["monthly_value"].widget.attrs["placeholder"] = "2.000.000"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
