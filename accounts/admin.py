from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Region scope"), {"fields": ("scope_region",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Region scope"), {"fields": ("scope_region",)}),)
    list_display = ("username", "first_name", "last_name", "scope_region", "is_staff", "is_active")
    list_filter = BaseUserAdmin.list_filter + ("groups",)
    list_select_related = ("scope_region",)
    autocomplete_fields = ("scope_region",)
    search_fields = ("username", "first_name", "last_name", "email")

    def get_queryset(self, request):
        # Admins see the users whose scope lies inside their own.
        from kdkmp.scoping import scope_q

        return super().get_queryset(request).filter(scope_q(request.user, "scope_region__code"))
