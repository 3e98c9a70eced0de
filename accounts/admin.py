from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Region
from core.forms import IdMultipleChoiceField

from .models import User
from .roles import ROLE_PERMISSIONS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Region scope"), {"fields": ("scope_region",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Region scope"), {"fields": ("scope_region",)}),)
    list_display = ("username", "first_name", "last_name", "scope_region", "is_staff", "is_active")
    list_filter = BaseUserAdmin.list_filter + ("groups",)
    list_select_related = ("scope_region",)
    autocomplete_fields = ()
    search_fields = ("username", "first_name", "last_name", "email")

    def get_queryset(self, request):
        # The same rule as the user pages: inside one's scope, superusers only for superusers.
        return super().get_queryset(request) & User.objects.manageable_by(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or grants permissions one by one; province admins
        # give roles (groups) and scopes inside their own.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scope_region":
            kwargs["queryset"] = Region.objects.for_user(request.user).filter(level__in=["province", "regency"])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_PERMISSIONS)
        kwargs.setdefault("form_class", IdMultipleChoiceField)  # a forged huge id: an invalid choice, not a 500
        return super().formfield_for_manytomany(db_field, request, **kwargs)
