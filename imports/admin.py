from django.contrib import admin
from import_export.formats.base_formats import CSV, XLSX

from kdkmp.scoping import scope_q

from .models import ImportLog


class RosterAdminMixin:
    """django-import-export in a ModelAdmin, on the shared import path: resources get the
    requesting user (so imports and exports are scoped), and only holders of
    imports.run_import may import."""

    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    skip_admin_log = True  # every import is in ImportLog instead

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        return request.user.has_perm("imports.run_import")


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "channel", "file_name", "outcome", "rows", "new", "updated",
                    "unchanged", "errors")
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
