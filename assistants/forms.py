from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Region
from core.forms import DATE_WIDGET, IdMultipleChoiceField, SeparatedDigitsField, is_id

from .models import Assistant
from .selectors import business_assistants_of
from .services import check_caseload_change, save_assistant


class BAChoiceField(forms.ModelChoiceField):
    """A BA picker that shows each BA's load against the cap, e.g. "Ahmad Saputra — 7/10"."""

    def to_python(self, value):
        if value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)

    def label_from_instance(self, assistant):
        cap = settings.KDKMP_BA_CAPACITY
        full = _(" (full)") if assistant.load >= cap else ""
        return f"{assistant.name} — {assistant.load}/{cap}{full}"


class BAMultipleChoiceField(IdMultipleChoiceField):
    label_from_instance = BAChoiceField.label_from_instance


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class CaseloadRuleFormMixin:
    """The caseload rule on a form (the page's and the admin's), from the service that keeps it;
    saving goes through services.save_assistant, which checks it again under the lock."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("role") and cleaned.get("work_area") and cleaned.get("status"):
            check_caseload_change(
                self.instance.pk, role=cleaned["role"], work_area_id=cleaned["work_area"].pk, status=cleaned["status"]
            )
        return cleaned

    def save(self, commit=True, *, by=None):
        instance = super().save(commit=False)
        if commit:
            save_assistant(instance, by=by)
        return instance


ASSISTANT_FIELDS = [
    "name",
    "nik",
    "gender",
    "phone",
    "email",
    "role",
    "work_area",
    "supervisor",
    "contract_start",
    "contract_end",
    "status",
]


class AssistantAdminForm(CaseloadRuleFormMixin, forms.ModelForm):
    class Meta:
        model = Assistant
        fields = [*ASSISTANT_FIELDS, "user"]  # the admin also links the BA's login


class AssistantForm(CaseloadRuleFormMixin, forms.ModelForm):
    class Meta:
        model = Assistant
        fields = ASSISTANT_FIELDS
        widgets = {"contract_start": DATE_WIDGET, "contract_end": DATE_WIDGET}
        field_classes = {"nik": SeparatedDigitsField, "phone": SeparatedDigitsField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_area"].queryset = Region.objects.for_user(user).filter(
            level__in=[Region.Level.PROVINCE, Region.Level.REGENCY]
        )
        self.fields["supervisor"].queryset = (
            Assistant.objects.for_user(user).filter(role=Assistant.Role.PMO).exclude(pk=self.instance.pk)
        )
        self.helper = _helper(_("Save"))


class AssignForm(forms.Form):
    """Assign (or transfer) one cooperative: the BAs offered are those of its regency."""

    assistant = BAChoiceField(queryset=Assistant.objects.none(), label=_("Business Assistant"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    # The cooperative's BA when the form was opened (empty: it had none).
    seen_assistant = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**53)

    def __init__(self, *args, regency_code, exclude=None, reason_required=False, submit_label=_("Assign"), **kwargs):
        super().__init__(*args, **kwargs)
        bas = business_assistants_of(regency_code)
        if exclude is not None:
            bas = bas.exclude(pk=exclude.pk)
        self.fields["assistant"].queryset = bas
        self.fields["reason"].required = reason_required
        self.helper = _helper(submit_label)


class EndAssignmentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    date = forms.DateField(label=_("End date"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("End assignment"))


class HandoverForm(forms.Form):
    to_assistants = BAMultipleChoiceField(
        queryset=Assistant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Hand over to"),
        help_text=_("One BA takes everything; several share it, the one with most room first."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, from_assistant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_assistants"].queryset = business_assistants_of(from_assistant.work_area_id).exclude(
            pk=from_assistant.pk
        )
        self.helper = _helper(_("Hand over"))
