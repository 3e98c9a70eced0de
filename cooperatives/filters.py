"""FilterSets: the same one serves a list page and (later) its export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import strip_separators
from imports import reading

from .indicators import BY_KEY, LIST_FIGURES
from .models import BusinessUnit, Cooperative, Region
from .selectors import districts_for, regencies_for

MILESTONE_CHOICES = [(field, label) for field, label in Cooperative.MILESTONES]


class CooperativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    regency = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("Regency/city"), empty_label=_("All")
    )
    district = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("District"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(choices=Cooperative.Kind.choices, label=_("Kind"), empty_label=_("All"))
    milestone = django_filters.ChoiceFilter(
        choices=MILESTONE_CHOICES, method="filter_milestone", label=_("Milestone reached"), empty_label=_("All")
    )
    # The list behind each figure after formation (cooperatives.indicators), counted for today.
    indikator = django_filters.ChoiceFilter(
        choices=[(i.key, i.label) for i in LIST_FIGURES],
        method="filter_indicator",
        label=_("After formation"),
        empty_label=_("All"),
    )
    business_unit = django_filters.ChoiceFilter(
        choices=BusinessUnit.Type.choices, method="filter_business_unit", label=_("Business unit"), empty_label=_("All")
    )
    unit_status = django_filters.ChoiceFilter(
        choices=BusinessUnit.Status.choices, method="filter_business_unit", label=_("Unit status"), empty_label=_("All")
    )
    ba = django_filters.ChoiceFilter(
        choices=[("with", _("with a BA")), ("without", _("without a BA"))],
        method="filter_ba",
        label=_("BA"),
        empty_label=_("All"),
    )
    # Any region code (province, regency, district): the dashboard's drill-down links use it.
    wilayah = django_filters.CharFilter(method="filter_region_code", widget=forms.HiddenInput)

    class Meta:
        model = Cooperative
        fields = [
            "q",
            "regency",
            "district",
            "kind",
            "milestone",
            "indikator",
            "ba",
            "business_unit",
            "unit_status",
            "wilayah",
        ]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["regency"].queryset = regencies_for(user)
        # District choices follow the chosen regency (the page re-submits on change).
        regency_code = (data or {}).get("regency") or None
        self.filters["district"].queryset = districts_for(user, regency_code)
        for name in ("regency", "district"):
            self.form.fields[name].widget.attrs["data-autosubmit"] = "1"
        for field in self.form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.form.fields["q"].widget.attrs.update(
            {
                "class": "form-control form-control-sm",
                "placeholder": _("Name, village, code, BA, board member or phone"),
            }
        )

    def filter_text(self, queryset, name, value):
        """Name, village (name or code, dotted or not), the BA now accompanying it, a board
        member's name, a phone number; a board member's full NIK only for those who may see it
        (otherwise the search would tell whose NIK it is)."""
        value = value.strip()
        if not value:
            return queryset
        query = (
            Q(name__icontains=value)
            | Q(village__name__icontains=value)
            | Q(assignments__end_date__isnull=True, assignments__assistant__name__icontains=value)
            | Q(board_members__name__icontains=value)
        )
        try:
            code = reading.region_code(value)
        except reading.CellError:
            code = ""
        if code:
            query |= Q(village_id=code) | Q(village__code__startswith=f"{code}.")
        digits = strip_separators(value).removeprefix("+62")
        if digits.isdigit() and len(digits) >= 6:
            phone = digits if digits.startswith("0") else f"0{digits}"
            query |= Q(phone__contains=phone) | Q(board_members__phone__contains=phone)
            if len(digits) == 16 and self.user.has_perm("cooperatives.view_full_nik"):
                query |= Q(board_members__nik=digits)
        return queryset.filter(query).distinct()

    def filter_region(self, queryset, name, value):
        return queryset.filter(village__code__startswith=f"{value.code}.")

    def filter_milestone(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_ba(self, queryset, name, value):
        with_ba = Q(assignments__end_date__isnull=True)
        return queryset.filter(with_ba).distinct() if value == "with" else queryset.exclude(with_ba)

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(BY_KEY[value].q(timezone.localdate()))

    def filter_region_code(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(village__code__startswith=f"{value}.") if value else queryset

    def filter_business_unit(self, queryset, name, value):
        """Type and status apply to the same unit (one join), whichever of the two is set."""
        if name == "unit_status" and self.form.cleaned_data.get("business_unit"):
            return queryset  # applied together with the type below
        lookups = (
            {"business_units__status": self.form.cleaned_data.get("unit_status")}
            if self.form.cleaned_data.get("unit_status")
            else {}
        )
        if name == "business_unit":
            lookups["business_units__unit_type"] = value
        return queryset.filter(**lookups).distinct()
