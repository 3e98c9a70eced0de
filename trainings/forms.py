from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from assistants.models import Assistant
from cooperatives.models import BoardMember, Region
from cooperatives.selectors import regencies_for
from core.forms import DATE_WIDGET, IdMultipleChoiceField

from .models import Cohort, Enrollment, TrainingProgram


def _helper(label=_("Save")):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def area_label(region):
    """ "Province Jambi" vs "Kota Jambi": a province's bare name reads like its capital city."""
    if region.level == Region.Level.PROVINCE:
        return _("Province %(name)s") % {"name": region.name}
    return region.name


def held_by_choices(user):
    """Regions that may hold a cohort for this user: their province or regencies in scope."""
    return (
        Region.objects.for_user(user).filter(level__in=[Region.Level.PROVINCE, Region.Level.REGENCY]).order_by("code")
    )


class ProgramForm(forms.ModelForm):
    positions = forms.MultipleChoiceField(
        choices=BoardMember.Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Board positions"),
        help_text=_("For board programs: the positions it is meant for (empty: any position)."),
    )

    class Meta:
        model = TrainingProgram
        fields = ["title", "audience", "positions", "topics", "hours", "attendance_threshold", "pass_mark"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["program", "number", "region", "start_date", "end_date", "venue", "organizer", "trainers", "capacity"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET, "trainers": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = TrainingProgram.objects.for_user(user)
        self.fields["region"].queryset = held_by_choices(user)
        self.fields["region"].label = _("Held by")
        self.fields["region"].label_from_instance = area_label
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Cohort"), "program", "number", "region", "capacity"),
            Fieldset(_("When and where"), "start_date", "end_date", "venue", "organizer", "trainers"),
            Submit("submit", _("Save")),
        )


def person_label(assistant):
    """Name · role · area · NIK ending: two people of the same name can be told apart."""
    ending = f" · …{assistant.nik[-4:]}" if assistant.nik else ""
    return f"{assistant.name} · {assistant.role} · {area_label(assistant.work_area)}{ending}"


REPEAT_PASSED = forms.BooleanField(
    required=False,
    label=_("Also enrol people who already passed this program"),
    help_text=_("Left unticked, they are skipped and named after enrolling."),
)


class StaffEnrollForm(forms.Form):
    """Everyone active of the chosen roles in the chosen work areas, plus anyone picked by hand."""

    roles = forms.MultipleChoiceField(
        choices=Assistant.Role.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Roles")
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Work areas")
    )
    people = IdMultipleChoiceField(
        queryset=Assistant.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        label=_("Or pick people"),
    )
    repeat_passed = REPEAT_PASSED

    def __init__(self, *args, user, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = held_by_choices(user)
        self.fields["areas"].label_from_instance = area_label
        self.fields["people"].queryset = (
            Assistant.objects.for_user(user)
            .active()
            .select_related("work_area")
            .order_by("work_area_id", "role", "name")
        )
        self.fields["people"].label_from_instance = person_label
        self.helper = _helper(_("Enroll"))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("roles") or cleaned.get("areas") or cleaned.get("people")):
            raise forms.ValidationError(_("Choose roles and/or work areas, or pick people."))
        return cleaned


class BoardEnrollForm(forms.Form):
    """The current board members of the chosen positions in the cooperatives of the chosen regencies."""

    positions = forms.MultipleChoiceField(
        choices=BoardMember.Position.choices, required=True, widget=forms.CheckboxSelectMultiple, label=_("Positions")
    )
    regencies = forms.ModelMultipleChoiceField(
        queryset=Region.objects.none(), required=True, widget=forms.CheckboxSelectMultiple, label=_("Regencies/cities")
    )
    repeat_passed = REPEAT_PASSED

    def __init__(self, *args, user, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regencies"].queryset = regencies_for(user)
        if cohort.program.positions:
            labels = dict(BoardMember.Position.choices)
            self.fields["positions"].choices = [(p, labels[p]) for p in cohort.program.positions]
            self.initial.setdefault("positions", list(cohort.program.positions))
        if cohort.region.level == Region.Level.REGENCY:
            self.initial.setdefault("regencies", [cohort.region_id])
        self.helper = _helper(_("Enroll"))


class ScoreForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["pre_test", "post_test"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
