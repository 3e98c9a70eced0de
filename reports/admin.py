"""The admin shows field reports and problems read-only: every change goes through the pages'
services (submission, review, the approved-report lock, problem follow-up), so the admin cannot
be a door around them. The models refuse writes to approved reports below it as well."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.scoping import ScopedAdminMixin

from .models import FieldProblem, MonthlyReport


class ReadOnlyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("assistant", "month", "status", "late", "on_behalf", "submitted_at", "reviewed_by")
    list_filter = ("status", "late", "month")
    search_fields = ("assistant__name",)
    list_select_related = ("assistant", "reviewed_by")
    date_hierarchy = "month"


@admin.register(FieldProblem)
class FieldProblemAdmin(ReadOnlyAdmin):
    list_display = ("category", "cooperative", "assistant", "severity", "level", "status", "raised_at")
    list_filter = ("category", "severity", "level", "status")
    search_fields = ("cooperative__name", "assistant__name", "description")
    list_select_related = ("cooperative", "assistant")
