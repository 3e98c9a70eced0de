import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Region
from cooperatives.selectors import regencies_for

from .models import Assistant

LOAD_CHOICES = [
    ("none", _("No cooperatives")),
    ("under7", _("Under 7")),
    ("7plus", _("7 or more, below the cap")),
    ("full", _("At the cap")),
]


class AssistantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    role = django_filters.ChoiceFilter(choices=Assistant.Role.choices, label=_("Role"), empty_label=_("All"))
    regency = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), field_name="work_area", label=_("Regency/city"), empty_label=_("All")
    )
    load = django_filters.ChoiceFilter(
        choices=LOAD_CHOICES, method="filter_load", label=_("Load"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=Assistant.Status.choices, label=_("Status"), empty_label=_("All"))
    # Any region code: staff working in it or under it (the dashboard's drill-down links use it).
    wilayah = django_filters.CharFilter(method="filter_region_code", widget=forms.HiddenInput)

    class Meta:
        model = Assistant
        fields = ["q", "role", "regency", "load", "status", "wilayah"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["regency"].queryset = regencies_for(user)
        for field in self.form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.form.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "placeholder": _("Name")})

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(nik=value)) if value else queryset

    def filter_region_code(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(work_area_id=value) | Q(work_area__code__startswith=f"{value}.")) if value else queryset
        )

    def filter_load(self, queryset, name, value):
        cap = settings.KDKMP_BA_CAPACITY
        queryset = queryset.filter(role=Assistant.Role.BA)
        return {
            "none": lambda: queryset.filter(load=0),
            "under7": lambda: queryset.filter(load__lt=7),
            "7plus": lambda: queryset.filter(load__gte=7, load__lt=cap),
            "full": lambda: queryset.filter(load__gte=cap),
        }[value]()
