"""Base views every app's pages build on.

One idiom for every page, in this order (`tests/kdkmp/test_access_matrix.py` checks it for every
URL and role):

1. anonymous → the login page;
2. logged in without the page's `permission_required` → 403;
3. the objects the page is about, looked up in scoped querysets only (`for_user` or an app's
   selector built on it): outside the user's scope is a 404, never a 403 that would confirm the
   object exists.

`PageMixin` is steps 1 and 2 (with a `load_objects()` hook run right after them, before the
handler); `ScopedObjectMixin` a page about one object (detail, edit, an operation on it);
`ScopedChildMixin` a page under one scoped parent (a cooperative's board member, a cohort's
attendance). List pages are `core.list_pages.ListPageMixin` (the same door, a FilterSet and a
table).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic.detail import SingleObjectMixin


class PageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The door of every page: anonymous → the login page, logged in without
    `permission_required` → 403 (never back to the login page). `permission_required = ()` is
    a page every logged-in user has. Then `load_objects()`, before the handler (get/post)."""

    def dispatch(self, request, *args, **kwargs):
        # Login and permission first, so nothing is looked up for a user who may not see the page.
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self):
        """Look up what the page is about (scoped querysets only: 404 outside the scope); the
        mixins below load theirs here, a subclass extends it with super()."""


class ScopedObjectMixin(PageMixin, SingleObjectMixin):
    """A page about one object, found in `get_queryset()`: the model's `for_user` queryset unless
    the view returns an app's selector (which must be scoped too), so out of scope is a 404.
    Generic views (DetailView, UpdateView, DeleteView) call `get_object()` themselves; a plain
    View calls it in `load_objects()`."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ScopedChildMixin(PageMixin):
    """A page under one scoped parent named in the URL (`parent_url_kwarg`): the parent is looked
    up once in `get_parent_queryset()` (scoped: 404 outside the scope), after the login and
    permission checks, as `self.parent` (in the context under its model name); the child rows
    are the model's rows of that parent (`parent_field`, by default the parent's model name).
    A page whose rows come from a selector overrides `get_queryset()` and narrows it to
    `self.parent` itself."""

    parent_model = None
    parent_url_kwarg = None
    parent_field = None

    def get_parent_queryset(self):
        return self.parent_model._default_manager.for_user(self.request.user)

    def load_objects(self):
        super().load_objects()
        self.parent = get_object_or_404(self.get_parent_queryset(), pk=self.kwargs[self.parent_url_kwarg])

    def get_queryset(self):
        field = self.parent_field or self.parent_model._meta.model_name
        return self.model._default_manager.filter(**{field: self.parent})

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {self.parent_model._meta.model_name: self.parent}


class CancelLinkMixin:
    """Every form page has a way back without saving: the page it is about (the parent of a
    child form, the object being edited), else where saving would lead."""

    def get_cancel_url(self):
        parent = getattr(self, "parent", None)
        if parent is not None and hasattr(parent, "get_absolute_url"):
            return parent.get_absolute_url()
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        if getattr(self, "success_url", None):
            return str(self.success_url)
        return reverse("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("cancel_url", self.get_cancel_url())
        return context


class FormPageMixin(CancelLinkMixin):
    """Title "Add <thing>" or "Edit: <object>" for the shared form template."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "object", None) and self.object.pk:
            context["page_title"] = _("Edit: %(object)s") % {"object": self.object}
        else:
            context["page_title"] = _("Add %(thing)s") % {"thing": self.model._meta.verbose_name}
        return context


class SaveThroughServiceMixin:
    """For forms whose save(by=...) goes through a service that checks its rule under a lock:
    a refusal there (another user was faster) is an error on the same form, nothing saved; a
    {"field": ...} refusal lands on its field."""

    success_message = _lazy("Saved.")

    def form_valid(self, form):
        try:
            self.object = form.save(by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())
