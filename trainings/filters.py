"""FilterSets for the training lists; each serves its page (and later its export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assistants.models import Assistant
from cooperatives.models import BoardMember, Region
from cooperatives.selectors import regencies_for

from .models import Cohort, Enrollment, TrainingProgram


def _style(filterset):
    for name, field in filterset.form.fields.items():
        css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
        field.widget.attrs.setdefault("class", css)


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    audience = django_filters.ChoiceFilter(
        choices=TrainingProgram.Audience.choices, label=_("Audience"), empty_label=_("All")
    )

    class Meta:
        model = TrainingProgram
        fields = ["q", "audience"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        _style(self)


class CohortFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    program = django_filters.ModelChoiceFilter(
        queryset=TrainingProgram.objects.none(), label=_("Program"), empty_label=_("All")
    )
    audience = django_filters.ChoiceFilter(
        field_name="program__audience",
        choices=TrainingProgram.Audience.choices,
        label=_("Audience"),
        empty_label=_("All"),
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), field_name="region", label=_("Held by"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(field_name="start_date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Cohort
        fields = ["q", "program", "audience", "region", "year"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["program"].queryset = TrainingProgram.objects.for_user(user)
        # The province (for a regency user, their province's cohorts are visible too) and regencies.
        self.filters["region"].queryset = Region.objects.filter(
            Q(pk__in=Cohort.objects.for_user(user).values("region_id").distinct())
        ).order_by("code")
        _style(self)
        self.form.fields["year"].widget.attrs["class"] = "form-control form-control-sm"

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(program__title__icontains=value) | Q(venue__icontains=value) | Q(organizer__icontains=value)
        )


class ParticipantFilter(django_filters.FilterSet):
    """Participants (enrollments): on a cohort's page and across cohorts (coverage links here)."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search"))
    cohort = django_filters.ModelChoiceFilter(queryset=Cohort.objects.none(), label=_("Cohort"), empty_label=_("All"))
    audience = django_filters.ChoiceFilter(
        field_name="cohort__program__audience",
        choices=TrainingProgram.Audience.choices,
        label=_("Audience"),
        empty_label=_("All"),
    )
    role = django_filters.ChoiceFilter(
        field_name="assistant__role", choices=Assistant.Role.choices, label=_("Staff role"), empty_label=_("All")
    )
    position = django_filters.ChoiceFilter(
        field_name="board_member__position",
        choices=BoardMember.Position.choices,
        label=_("Board position"),
        empty_label=_("All"),
    )
    regency = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="filter_regency", label=_("Regency/city"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=Enrollment.Status.choices, label=_("Status"), empty_label=_("All"))

    class Meta:
        model = Enrollment
        fields = ["q", "cohort", "audience", "role", "position", "regency", "status"]

    def __init__(self, data=None, *args, user, cohort=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["regency"].queryset = regencies_for(user)
        if cohort is None:
            self.filters["cohort"].queryset = Cohort.objects.for_user(user).select_related("program")
        else:
            # On a cohort's page the cohort is fixed; show only the filters that make sense there.
            for name in ["cohort", "audience", "role" if cohort.program.audience == "board" else "position"]:
                del self.filters[name]
        _style(self)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(assistant__name__icontains=value)
            | Q(board_member__name__icontains=value)
            | Q(board_member__cooperative__name__icontains=value)
            | Q(certificate_number=value)
        )

    def filter_regency(self, queryset, name, value):
        return queryset.filter(Q(region__code=value.code) | Q(region__code__startswith=f"{value.code}."))
