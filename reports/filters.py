import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Region
from cooperatives.selectors import regencies_for
from core import regions

from .models import FieldProblem

OPEN_CHOICES = [("open", _("Open")), ("closed", _("Closed"))]


class ProblemFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=FieldProblem.Category.choices, label=_("Category"), empty_label=_("All")
    )
    severity = django_filters.ChoiceFilter(
        choices=FieldProblem.Severity.choices, label=_("Severity"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=FieldProblem.Status.choices, label=_("Status"), empty_label=_("All"))
    state = django_filters.ChoiceFilter(
        choices=OPEN_CHOICES, method="filter_state", label=_("Open or closed"), empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(choices=FieldProblem.Level.choices, label=_("Level"), empty_label=_("All"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Follow-up overdue"), widget=forms.CheckboxInput
    )
    regency = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("Regency/city"), empty_label=_("All")
    )
    # Any region code (the dashboard's drill-down links use it).
    wilayah = django_filters.CharFilter(method="filter_region_code", widget=forms.HiddenInput)

    class Meta:
        model = FieldProblem
        fields = ["category", "severity", "status", "state", "level", "overdue", "regency", "wilayah"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["regency"].queryset = regencies_for(user)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.CheckboxInput) or field.widget.is_hidden:
                continue
            field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=FieldProblem.OPEN_STATUSES)
        return queryset.exclude(status__in=FieldProblem.OPEN_STATUSES)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=FieldProblem.OPEN_STATUSES, due_date__lt=timezone.localdate())

    def filter_region(self, queryset, name, value):
        return queryset.filter(regions.within_q("region__code", value.code)) if value else queryset

    def filter_region_code(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if regions.level_of(value) is None:
            return queryset.none()
        return queryset.filter(regions.within_q("region__code", value))
