import hashlib

import django_tables2 as tables
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRows

from .models import Cooperative


class CooperativeTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    village = tables.Column(verbose_name=_("Village"), accessor="village__name", order_by=("village__name",))
    district = tables.Column(
        verbose_name=_("District"), accessor="village__parent__name", order_by=("village__parent__name",)
    )
    regency = tables.Column(
        verbose_name=_("Regency/city"),
        accessor="village__parent__parent__name",
        order_by=("village__parent__parent__name",),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    ba_name = tables.Column(verbose_name=_("BA"), default="—")
    latest_milestone = tables.Column(verbose_name=_("Latest milestone"), orderable=False, empty_values=())
    members_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Cooperative
        fields = ["name", "village", "district", "regency", "kind", "ba_name", "latest_milestone", "members_count"]
        attrs = {"class": "table table-sm table-hover align-middle", "id": "cooperative-table"}
        empty_text = _("No cooperatives match these filters.")

    def render_kind(self, value, record):
        return record.kind

    def render_latest_milestone(self, record):
        return record.latest_milestone or "—"

    # Sorting at national scale. A village always has a district and a district a regency:
    # saying so (it filters nothing out) makes the joins inner ones (Django makes them outer: a
    # province has no parent), and PostgreSQL can walk the names' index for the first page
    # instead of hashing all 91,599 regions.
    def order_district(self, queryset, is_descending):
        queryset = queryset.filter(village__parent__isnull=False)
        return sorted_by(queryset, "village__parent__name", is_descending)

    def order_regency(self, queryset, is_descending):
        queryset = queryset.filter(village__parent__parent__isnull=False)
        return sorted_by(queryset, "village__parent__parent__name", is_descending)

    def order_ba_name(self, queryset, is_descending):
        """A join on the open assignment (at most one per cooperative: a constraint) instead of
        sorting by the BA subquery, which runs once per row."""
        queryset = queryset.annotate(
            open_assignment=FilteredRelation("assignments", condition=Q(assignments__end_date__isnull=True))
        )
        return sorted_by(queryset, "open_assignment__assistant__name", is_descending)


def sorted_by(queryset, field, is_descending):
    return queryset.order_by(F(field).desc() if is_descending else F(field).asc()), True


# Up to this many rows a list counts exactly on every view; beyond it, the count is cached for
# KDKMP_LIST_COUNT_CACHE_SECONDS and the page says it is approximate (settings can lower both).
EXACT_COUNT_LIMIT = 10_000
COUNT_CACHE_SECONDS = 300


class NationalPaginator(Paginator):
    """A paginator for a table that may hold the whole nation (83,762 rows).

    The count: exact while the rows are few (counting stops at the limit), else the full count
    is taken once per cache period and shown as "about N". A page: the page's ids are found
    first (the sort's columns only, a cheap index walk even deep into the list), then only those
    rows are read with their joins and the BA subquery, instead of building every row skipped by
    OFFSET. The table's queryset sits at `rows.data.data` (django-tables2's BoundRows around its
    TableQuerysetData)."""

    approximate = False

    def __init__(self, object_list, per_page, *, records=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.records = records

    @property
    def queryset(self):
        return self.object_list.data.data

    @cached_property
    def count(self):
        limit = getattr(settings, "KDKMP_LIST_EXACT_COUNT_LIMIT", EXACT_COUNT_LIMIT)
        rows = self.queryset.order_by().values("pk")
        counted = rows[: limit + 1].count()
        if counted <= limit:
            return counted
        self.approximate = True
        key = "list-count:" + hashlib.sha256(str(rows.query).encode()).hexdigest()
        seconds = getattr(settings, "KDKMP_LIST_COUNT_CACHE_SECONDS", COUNT_CACHE_SECONDS)
        return cache.get_or_set(key, rows.count, seconds)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.queryset
        # The id as the last sort key: rows that tie on the sorted column keep one order across pages.
        ordered = queryset.order_by(*(queryset.query.order_by or queryset.model._meta.ordering), "pk")
        ids = list(ordered.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        # The rows themselves by id, from the list's queryset without its filters (already applied).
        by_id = (queryset if self.records is None else self.records).order_by().in_bulk(ids)
        rows = BoundRows([by_id[pk] for pk in ids if pk in by_id], table=self.object_list.table)
        return self._get_page(rows, number, self)
