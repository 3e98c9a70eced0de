"""Region scoping: the one way every page, form, export and admin narrows data to a user.

A user's scope is a region (a province or a regency); superusers see everything. Region codes
are materialized paths ("15.71.01.1001" lies under "15.71"), so a scope is a prefix filter on a
code column, with no join and an index-friendly LIKE 'prefix%'.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from . import regions
from .forms import IdMultipleChoiceField, SafeAutocompleteSelect, SafeAutocompleteSelectMultiple


def scope_code(user):
    """The region code a user may see, "" for everything, or None for nothing."""
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    return user.scope_region_id or None


def scope_q(user, code_field):
    """A Q object keeping rows whose region code (at `code_field`) lies in the user's scope.

    For the whole nation this is the empty Q(), which keeps every row when filtered on or ANDed,
    but is dropped by OR: `scope_q(...) | other` is just `other`. Branch on `scope_code(user) == ""`
    before OR-ing it with anything."""
    code = scope_code(user)
    if code is None:
        return Q(pk__in=[])
    return regions.within_q(code_field, code)


# How a BA's own login reaches their caseload, as relation paths (so core imports no domain app):
# the user's linked assistant record (reverse one-to-one) and its role value for a BA.
CASELOAD_LINK = "assistant"
CASELOAD_ROLE = "BA"


def caseload_assistant_id(user):
    """For a Business Assistant's own login (the BA role, a user linked to a BA): the assistant's
    id, whose caseload bounds what the user sees; None for everyone else. The role is a
    permission, read from the permission cache the page loads anyway; cached on the user."""
    if not user or not user.is_authenticated or user.is_superuser:
        return None
    if not user.has_perm("accounts.caseload_only"):
        return None
    if not hasattr(user, "_caseload_assistant_id"):
        # A BA login without a linked BA sees nothing (0 matches no assistant).
        user._caseload_assistant_id = (
            get_user_model()
            ._default_manager.filter(pk=user.pk, **{f"{CASELOAD_LINK}__role": CASELOAD_ROLE})
            .values_list(f"{CASELOAD_LINK}__pk", flat=True)
            .first()
            or 0
        )
    return user._caseload_assistant_id


class ScopedQuerySet(models.QuerySet):
    """QuerySet with `for_user`; subclasses name the field holding the region code.

    A BA's own login sees less than their regency: only their caseload. Subclasses say how a row
    belongs to a caseload: through the assignments of its cooperative (`caseload_assignments`, a
    relation path to the assignments; the open one must be the BA's), through the assistant
    (`caseload_assistant_field`), or not at all (`caseload_exempt`, e.g. regions); otherwise a
    BA sees none of the rows.
    """

    scope_field = None
    caseload_assignments = None
    caseload_assistant_field = None
    caseload_exempt = False

    def for_user(self, user):
        return self.narrow_to_caseload(self.filter(scope_q(user, self.scope_field)), user)

    def narrow_to_caseload(self, queryset, user):
        assistant_id = caseload_assistant_id(user)
        if assistant_id is None or self.caseload_exempt:
            return queryset
        if self.caseload_assistant_field:
            return queryset.filter(**{self.caseload_assistant_field: assistant_id})
        if self.caseload_assignments:
            # One filter() call: both conditions hold for the same assignment row. A cooperative
            # has at most one open assignment (a database constraint), so no row is doubled.
            path = self.caseload_assignments
            return queryset.filter(**{f"{path}__assistant_id": assistant_id, f"{path}__end_date__isnull": True})
        return queryset.none()


def in_scope(user, code):
    """True if a region code lies in the user's scope."""
    scope = scope_code(user)
    if scope is None:
        return False
    return regions.lies_in(code, scope)


class ScopedAdminMixin:
    """For ModelAdmin: list, change, delete and autocomplete all go through `for_user`, and so
    do the choices of every related field (a POSTed id outside the scope is an invalid choice)."""

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    # A forged huge id is an invalid choice, never a 500 (see kdkmp/forms.py).
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
        return super().formfield_for_foreignkey(db_field, request, **scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget", SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            )
        kwargs.setdefault("form_class", IdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **scoped_choices(db_field, request, kwargs))


def scoped_choices(db_field, request, kwargs):
    """Narrow a related field's choices to the user's scope when the related model is scoped."""
    manager = db_field.related_model._default_manager
    if "queryset" not in kwargs and hasattr(manager.get_queryset(), "for_user"):
        queryset = manager.get_queryset().for_user(request.user)
        if db_field.remote_field.limit_choices_to:
            queryset = queryset.complex_filter(db_field.remote_field.limit_choices_to)
        kwargs["queryset"] = queryset
    elif "queryset" not in kwargs and db_field.related_model._meta.label == settings.AUTH_USER_MODEL:
        kwargs["queryset"] = db_field.related_model._default_manager.filter(scope_q(request.user, "scope_region__code"))
    return kwargs
