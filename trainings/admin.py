from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.scoping import ScopedAdminMixin

from .forms import ProgramForm
from .models import Attendance, Cohort, Enrollment, TrainingProgram


@admin.register(TrainingProgram)
class TrainingProgramAdmin(admin.ModelAdmin):
    form = ProgramForm  # positions as checkboxes, not JSON typed by hand
    list_display = ("title", "audience", "hours", "attendance_threshold", "pass_mark")
    list_filter = ("audience",)
    search_fields = ("title", "topics")

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    # The shared catalogue is seen by all; only the owning office changes or deletes a program.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.is_editable_by(request.user))

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("owner_region",)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.owner_region_id = request.user.scope_region_id
        super().save_model(request, obj, form, change)


@admin.register(Cohort)
class CohortAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("program", "number", "start_date", "end_date", "venue", "region", "capacity")
    list_filter = ("program__audience", "program")
    search_fields = ("program__title", "venue", "organizer")
    list_select_related = ("program", "region")
    autocomplete_fields = ("region",)
    date_hierarchy = "start_date"


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Read-only: enrolling, completion and certificates go through the pages' services, which
    keep capacity, audience, attendance and numbering rules."""

    list_display = ("__str__", "status", "post_test", "certificate_number")
    list_filter = ("status", "cohort__program")
    search_fields = ("assistant__name", "board_member__name", "certificate_number")
    list_select_related = ("assistant", "board_member", "cohort__program")
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("enrollment", "day", "present", "note", "recorded_by", "recorded_at")
    list_filter = ("present", "day")
    list_select_related = (
        "enrollment__assistant",
        "enrollment__board_member",
        "enrollment__cohort__program",
        "recorded_by",
    )
    readonly_fields = [f.name for f in Attendance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
