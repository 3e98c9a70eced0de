from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from core.scoping import scope_q

from .models import ImportLog


class RosterAdminMixin:
    """django-import-export in a ModelAdmin for its scoped export (resources get the requesting
    user). Its import is not a second path: the admin's Import button and URLs go to the one
    import page ("Impor data") with the kind chosen, so there is one reader, one preview, one
    confirm and one set of Indonesian messages, and nothing is kept in a per-process folder."""

    export_formats = [XLSX, CSV]

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        kind = self.get_import_resource_classes(request)[0].kind
        return redirect(f"{reverse('imports:import')}?{urlencode({'jenis': kind})}")

    process_import = import_action

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        return request.user.has_perm("imports.run_import")


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "kind",
        "channel",
        "file_name",
        "outcome",
        "rows",
        "new",
        "updated",
        "unchanged",
        "errors",
    )
    list_filter = ("kind", "channel", "outcome")
    search_fields = ("file_name", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        """Logs of users inside one's own scope (command-line logs, without a user: superusers)."""
        return super().get_queryset(request).filter(scope_q(request.user, "user__scope_region__code"))
