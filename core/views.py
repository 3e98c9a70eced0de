"""Base views every app's pages build on."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


class FormPageMixin:
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
