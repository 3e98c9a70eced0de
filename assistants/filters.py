import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative, Region
from cooperatives.selectors import districts_for, regencies_for
from core import regions
from core.scoping import scope_code

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


class RegencyWorkFilter(django_filters.FilterSet):
    """What Penugasan and the planner share: they work in one regency at a time. It is chosen in
    the form (`regency`), or is the regency part of a dashboard link's region code (`wilayah`: a
    regency, district or village); a regency's own staff always work in their own regency (no
    choice is shown, another one in the address is ignored). `working_regency` is that region, or
    None for the whole scope."""

    regency = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("Regency/city"), empty_label=_("All")
    )

    def __init__(self, data=None, *args, user, **kwargs):
        own = scope_code(user)
        self.locked = regions.is_regency(own)
        if data is not None:
            data = self.read_region_codes(data.copy())
        super().__init__(data, *args, **kwargs)
        if self.locked:
            del self.filters["regency"]
            self.regency_code = own
        else:
            self.regency_code = (data or {}).get("regency") or ""
            if own:
                self.filters["regency"].queryset = regencies_for(user)
            else:
                # National scope: the regencies of the province chosen (in the staffing table, as
                # `wilayah`) or of the chosen regency; 514 options were a fifth of the page.
                province = (self.regency_code or (data or {}).get("wilayah") or "").strip()[:2]
                self.filters["regency"].queryset = regencies_for(user, province) if province else Region.objects.none()
        self.narrow_choices(user)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": "1"})
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def read_region_codes(self, data):
        """A region code at the regency level or below in `wilayah` stands for its regency (unless
        one is chosen); the form then carries the regency, not the code."""
        area = (data.get("wilayah") or "").strip()
        if regions.regency_of(area):
            data["regency"] = data.get("regency") or regions.regency_of(area)
            data["wilayah"] = ""
        return data

    def narrow_choices(self, user):
        """Set the choices that depend on the user or on the chosen regency."""

    @cached_property
    def working_regency(self):
        if self.locked:
            return Region.objects.get(code=self.regency_code)
        if not self.is_bound:
            return None
        self.form.is_valid()  # the regency holds even when another field is wrong
        return self.form.cleaned_data.get("regency")

    def filter_region(self, queryset, name, value):
        return queryset.filter(village__code__startswith=f"{value.code}.")


class UnassignedFilter(RegencyWorkFilter):
    """The Penugasan board: the scope's cooperatives without an active BA. A dashboard link's
    `wilayah` also picks its district; a province code there narrows the rows to it."""

    district = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("District"), empty_label=_("All")
    )
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Search"), widget=forms.SearchInput
    )
    wilayah = django_filters.CharFilter(method="filter_region_code", widget=forms.HiddenInput)

    class Meta:
        model = Cooperative
        fields = ["regency", "district", "q", "wilayah"]

    def read_region_codes(self, data):
        area = (data.get("wilayah") or "").strip()
        if regions.district_of(area):
            data["district"] = data.get("district") or regions.district_of(area)
        data = super().read_region_codes(data)
        if data.get("district") and not data.get("regency"):
            data["regency"] = regions.regency_of(data["district"])  # a district link names its regency
        return data

    def narrow_choices(self, user):
        # Districts are chosen within the regency (the page re-submits when it changes).
        if self.regency_code:
            self.filters["district"].queryset = districts_for(user, self.regency_code)
        else:
            del self.filters["district"]

    def filter_region_code(self, queryset, name, value):
        value = value.strip()
        if not value or self.regency_code:
            return queryset  # within a regency, its own filter applies
        return queryset.filter(village__code__startswith=f"{value}.")


class PlannerFilter(RegencyWorkFilter):
    """The planner: the regency whose assignments are planned (None: the staffing of the scope,
    a regency per row)."""

    class Meta:
        model = Region
        fields = ["regency"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(pk=value.pk)
