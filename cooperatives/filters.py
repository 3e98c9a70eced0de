"""FilterSets: the same one serves a list page and (later) its export."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import regions
from core.scoping import scope_code
from core.validators import strip_separators
from imports import reading

from .indicators import BY_KEY, LIST_FIGURES
from .models import BoardMember, BusinessUnit, Cooperative, Region
from .selectors import districts_for, provinces_for, regencies_for

MILESTONE_CHOICES = [(field, label) for field, label in Cooperative.MILESTONES]


class CooperativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    # Only for a national scope; the regency and district pickers offer only the children of the
    # chosen (or the user's own) province and regency: the whole nation would be 7,800 options.
    province = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_region", label=_("Province"), empty_label=_("All")
    )
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
            "province",
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
        national = scope_code(user) == ""
        data = picked_regions(data, national=national)
        super().__init__(data, *args, **kwargs)
        self.user = user
        if not national:
            del self.filters["province"]
        # The parents whose children are offered: the chosen ones, else the user's own scope.
        scope = scope_code(user) or ""
        data = data or {}
        province = (data.get("province") if national else "") or regions.province_of(scope)
        regency = data.get("regency") or regions.regency_of(scope)
        if national:
            self.filters["province"].queryset = provinces_for(user)
        self.filters["regency"].queryset = regencies_for(user, province) if province else Region.objects.none()
        self.filters["district"].queryset = districts_for(user, regency) if regency else Region.objects.none()
        # Choosing a province or regency re-submits the form (static/js/kdkmp.js): the page comes
        # back with the children of the chosen region; without JavaScript, the Filter button does.
        for name in ("province", "regency", "district"):
            if name in self.form.fields:
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
        (otherwise the search would tell whose NIK it is).

        One `pk IN (… UNION …)`, each part a query on one table, instead of joins ORed together:
        on PostgreSQL each part uses its trigram index (migration 0005) and the planner sees how
        few rows match; no row is doubled, so no DISTINCT."""
        value = value.strip()
        if not value:
            return queryset
        cooperatives, members = Cooperative.objects.order_by(), BoardMember.objects.order_by()
        villages = Region.objects.filter(level=Region.Level.VILLAGE, name__icontains=value)
        matches = [
            cooperatives.filter(name__icontains=value).values("pk"),
            cooperatives.filter(village__in=villages.values("code")).values("pk"),
            active_assignments().filter(assistant__name__icontains=value).values("cooperative_id"),
            members.filter(name__icontains=value).values("cooperative_id"),
        ]
        try:
            code = reading.region_code(value)
        except reading.CellError:
            code = ""
        if code:
            matches.append(
                cooperatives.filter(Q(village_id=code) | Q(village__code__startswith=f"{code}.")).values("pk")
            )
        digits = strip_separators(value).removeprefix("+62")
        if digits.isdigit() and len(digits) >= 6:
            phone = digits if digits.startswith("0") else f"0{digits}"
            matches.append(cooperatives.filter(phone__contains=phone).values("pk"))
            matches.append(members.filter(phone__contains=phone).values("cooperative_id"))
            if len(digits) == 16 and self.user.has_perm("cooperatives.view_full_nik"):
                matches.append(members.filter(nik=digits).values("cooperative_id"))
        return queryset.filter(pk__in=matches[0].union(*matches[1:]))

    def filter_region(self, queryset, name, value):
        return queryset.filter(village__code__startswith=f"{value.code}.")

    def filter_milestone(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_ba(self, queryset, name, value):
        with_ba = Exists(active_assignments().filter(cooperative=OuterRef("pk")))
        return queryset.filter(with_ba) if value == "with" else queryset.filter(~with_ba)

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(BY_KEY[value].q(timezone.localdate()))

    def filter_region_code(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(village__code__startswith=f"{value}.") if value else queryset

    def filter_business_unit(self, queryset, name, value):
        """Type and status apply to the same unit (one subquery), whichever of the two is set."""
        if name == "unit_status" and self.form.cleaned_data.get("business_unit"):
            return queryset  # applied together with the type below
        lookups = (
            {"status": self.form.cleaned_data.get("unit_status")} if self.form.cleaned_data.get("unit_status") else {}
        )
        if name == "business_unit":
            lookups["unit_type"] = value
        return queryset.filter(Exists(BusinessUnit.objects.filter(cooperative=OuterRef("pk"), **lookups)))


def active_assignments():
    """The open assignments (assistants sits above this app: its model is reached through the
    relation, as CooperativeQuerySet.with_ba_name does)."""
    assignment = Cooperative._meta.get_field("assignments").related_model
    return assignment.objects.filter(end_date__isnull=True).order_by()


def picked_regions(data, *, national):
    """The province, regency and district picked, made consistent from the top down: a choice
    that does not lie in the region chosen above it is dropped (its parent was changed; without
    JavaScript the form still sends the old child), and a missing parent is read from its
    child's code (a link with only ?district=...), so the pickers offer the right choices."""
    if not data:
        return data
    names = ["province", "regency", "district"] if national else ["regency", "district"]
    picked = {}
    for level in names:
        code = (data.get(level) or "").strip()
        above = next((picked[p] for p in reversed(picked) if picked[p]), "")
        picked[level] = "" if code and above and not code.startswith(f"{above}.") else code
    for child, parent in (("district", "regency"), ("regency", "province")):
        if parent in picked and not picked[parent] and regions.level_of(picked[child]) == child:
            picked[parent] = regions.ancestor_at(picked[child], parent)
    changed = {level: code for level, code in picked.items() if code != (data.get(level) or "").strip()}
    if not changed:
        return data
    data = data.copy()
    for level, code in changed.items():
        data[level] = code
    return data
