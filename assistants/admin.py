from django.contrib import admin
from import_export.admin import ImportExportMixin

from core.scoping import ScopedAdminMixin
from imports.admin import RosterAdminMixin

from . import services
from .forms import AssistantAdminForm
from .models import Assignment, Assistant
from .resources import AssignmentResource, AssistantResource


@admin.register(Assistant)
class AssistantAdmin(RosterAdminMixin, ImportExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [AssistantResource]
    list_display = ("name", "role", "work_area", "supervisor", "status", "contract_end")
    list_filter = ("role", "status")
    search_fields = ("name", "nik", "work_area__name")
    list_select_related = ("work_area", "supervisor")
    autocomplete_fields = ("work_area", "supervisor", "user")
    form = AssistantAdminForm  # the caseload rule, from assistants.services

    def save_model(self, request, obj, form, change):
        services.save_assistant(obj, by=request.user)  # under the BA row lock, like the pages


@admin.register(Assignment)
class AssignmentAdmin(RosterAdminMixin, ImportExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-mostly: assignments change through the pages' services, which keep the 1:10 rule
    (the import too: it goes through the same rules and locks)."""

    resource_classes = [AssignmentResource]
    list_display = ("cooperative", "assistant", "start_date", "end_date", "assigned_by", "reason")
    list_filter = ("end_date",)
    search_fields = ("cooperative__name", "assistant__name")
    list_select_related = ("cooperative", "assistant", "assigned_by")
    readonly_fields = [f.name for f in Assignment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
