"""Form pieces shared by every app."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import parse_rupiah, strip_separators

# A date field as the browser's own date picker (ISO value, shown in the user's locale).
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def is_id(value):
    """A plain number a database id column can hold: not "²" (a digit to Python, not to int()) and
    not 99999999999999999999999 (SQLite raises OverflowError instead of finding nothing)."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


def posted_ids(values):
    """The ids among posted values (a checkbox list), the odd ones left out: none can be a row."""
    return {int(value) for value in values if is_id(value)}


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice, refusing an id no integer column can hold as an invalid choice."""

    def clean(self, value):
        if isinstance(self.queryset.model._meta.pk, models.IntegerField) and not self.to_field_name:
            for item in value or []:
                if not is_id(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super().clean(value)


class _OddIdsLeftOut:
    """The admin's autocomplete widgets look up the submitted ids again to redisplay a form with
    errors: odd ones are left out of that lookup (SQLite raises OverflowError on a huge id)."""

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field.model._meta
        field_name = getattr(self.field.remote_field, "field_name", None)  # None: a many-to-many, by pk
        target = related.get_field(field_name) if field_name else related.pk
        if isinstance(target, models.IntegerField):
            value = [item for item in value if is_id(item)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_OddIdsLeftOut, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_OddIdsLeftOut, AutocompleteSelectMultiple):
    pass


class SeparatedDigitsField(forms.CharField):
    """Accepts numbers typed with spaces, dots, dashes or brackets ("0812-3456-7890",
    "1571 0101 0190 0001") and keeps only what matters, before length checks run."""

    def to_python(self, value):
        return strip_separators(super().to_python(value))


class ShownFieldsErrorsMixin:
    """For a ModelForm showing part of a model: a model rule may name a field the form does not
    show (a later loan step set by an approved report, say). Django refuses such an error with a
    ValueError; it is worded above the form instead, so the user still reads why."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            hidden = [field for field in errors.error_dict if field != NON_FIELD_ERRORS and field not in self.fields]
            for field in hidden:
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(field))
        super()._update_errors(errors)


class RupiahField(forms.IntegerField):
    """An amount in whole Rupiah as people type it: "Rp 1.500.000.000", "1 500 000 000"."""

    default_error_messages = {"invalid": _("Type the amount in whole Rupiah, e.g. 1.500.000.000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs |= {"inputmode": "numeric"}

    def to_python(self, value):
        try:
            number = parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(number)

    def prepare_value(self, value):
        return f"{value:,}".replace(",", ".") if isinstance(value, int) else value
