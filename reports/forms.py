"""Forms of the field-report pages; phone first: one column, large controls, no tables."""

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cooperatives.models import LOAN_CEILING, Bank, Cooperative, LandStatus
from core.forms import DATE_WIDGET, IdMultipleChoiceField, RupiahField

from .models import Activity, FieldProblem
from .services import CHANGE_FIELDS, MILESTONE_FIELDS, PROGRESS_FIELDS

BIG = {"class": "form-control form-control-lg"}
BIG_SELECT = {"class": "form-select form-select-lg"}


def _big(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = BIG_SELECT if isinstance(widget, forms.Select) else BIG
        widget.attrs.setdefault("class", css["class"])


class SectionForm(forms.Form):
    """One cooperative's part of the report: no visit, progress, the changes to apply."""

    no_visit_reason = forms.CharField(
        label=_("No visit this month, because"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if there was no activity with this cooperative this month."),
    )
    progress_note = forms.CharField(
        label=_("Progress this month"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    members_count = forms.IntegerField(label=_("Members now"), required=False, min_value=0, max_value=1_000_000)

    def __init__(self, *args, cooperative=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Cooperative.MILESTONES)
        for field in [*MILESTONE_FIELDS, *PROGRESS_FIELDS]:
            recorded = getattr(cooperative, field, None) if cooperative else None
            model_field = Cooperative._meta.get_field(field)
            label = labels.get(field) or capfirst(model_field.verbose_name)
            if field == "construction_percent":
                self.fields[field] = forms.IntegerField(label=label, required=False, min_value=0, max_value=100)
            elif field in ("loan_amount_requested", "loan_amount_approved"):
                self.fields[field] = RupiahField(label=label, required=False, max_value=LOAN_CEILING)
            elif field in ("loan_bank", "land_status"):
                choices = Bank.choices if field == "loan_bank" else LandStatus.choices
                self.fields[field] = forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices])
                recorded = getattr(cooperative, f"get_{field}_display", lambda: "")() if recorded else recorded
            else:
                self.fields[field] = forms.DateField(label=label, required=False, widget=DATE_WIDGET)
            if recorded not in (None, ""):
                if hasattr(recorded, "strftime"):
                    shown = date_format(recorded)
                else:
                    shown = intcomma(recorded) if isinstance(recorded, int) else recorded
                self.fields[field].help_text = _("Recorded: %(day)s") % {"day": shown}
        _big(self)

    def main_fields(self):
        return [self[name] for name in self.fields if name not in PROGRESS_FIELDS]

    def progress_fields(self):
        """After formation: folded away on the phone until the BA opens it."""
        return [self[name] for name in PROGRESS_FIELDS]

    def changes(self):
        data = self.cleaned_data
        return {field: data.get(field) for field in CHANGE_FIELDS if data.get(field) not in (None, "")}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["date", "mode", "area", "participants", "outcome", "next_step", "next_step_date", "photo"]
        widgets = {
            "date": DATE_WIDGET,
            "next_step_date": DATE_WIDGET,
            "mode": forms.RadioSelect,
            "participants": forms.CheckboxSelectMultiple,
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        }
        field_classes = {"participants": IdMultipleChoiceField}

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = section.cooperative.board_members.in_position_order()
        self.fields["participants"].required = False
        self.fields["mode"].choices = Activity.Mode.choices
        self.fields["photo"].help_text = _("Optional. Shrunk before it is kept; the report works without it.")
        _big(self)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the month"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_month_plan = forms.CharField(
        label=_("Plan for next month"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _big(self)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what has to be fixed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _big(self)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = FieldProblem
        fields = ["cooperative", "category", "severity", "description", "due_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "due_date": DATE_WIDGET}

    def __init__(self, *args, cooperatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = cooperatives
        self.fields["cooperative"].empty_label = _("The whole caseload")
        _big(self)


class ProblemActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("note", _("Add a follow-up note")),
            ("escalate", _("Escalate to the next level")),
            ("resolve", _("Resolved")),
            ("not_solvable", _("Close as not solvable")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("Follow up by"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _big(self)
