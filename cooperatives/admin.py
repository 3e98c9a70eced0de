from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin

from core.scoping import ScopedAdminMixin
from imports.admin import RosterAdminMixin

from .forms import CooperativeAdminForm
from .models import BoardMember, BusinessUnit, Cooperative, Partnership, Region
from .resources import BoardMemberResource, CooperativeResource
from .services import change_cooperative, save_board_member, seats_held_twice


class SeatRefusalMixin:
    """A seat taken by another user between the form's check and its save (under the lock) is an
    error message on the same page, not a 500; nothing is saved (the admin's transaction)."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    show_full_result_count = False  # no second COUNT(*) over 91,599 regions


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0


class BoardSeatsFormSet(BaseInlineFormSet):
    """Each row is checked against the stored board by BoardMember.clean(); this checks the rows
    against each other (two new Ketua in one submission)."""

    def clean(self):
        super().clean()
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        twice = seats_held_twice((0, row.get("position"), row.get("term_end")) for row in rows)
        for _cooperative, position in sorted(twice):
            label = BoardMember.Position(position).label
            raise ValidationError(_("%(position)s is filled twice in this form.") % {"position": label})


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    formset = BoardSeatsFormSet
    extra = 0


@admin.register(Cooperative)
class CooperativeAdmin(SeatRefusalMixin, RosterAdminMixin, ImportExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = CooperativeAdminForm
    resource_classes = [CooperativeResource]
    list_display = ("name", "village", "kind", "formation_scheme", "legal_entity_date", "members_count")
    list_filter = ("kind", "formation_scheme", "business_units__unit_type")
    search_fields = ("name", "village__name", "village__code")
    list_select_related = ("village",)
    autocomplete_fields = ("village", "extra_villages")
    inlines = [BusinessUnitInline, PartnershipInline, BoardMemberInline]
    date_hierarchy = "legal_entity_date"

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the one write of a stored cooperative: under its row lock, only the fields this
        # form changed (the other villages served are saved with the relations, after this).
        fields = {f.name for f in Cooperative._meta.concrete_fields}
        changes = {name: getattr(obj, name) for name in form.changed_data if name in fields}
        change_cooperative(obj.pk, changes, by=request.user, reason=_("Changed in the admin"))
        return None

    def save_formset(self, request, form, formset, change):
        if formset.model is not BoardMember:
            return super().save_formset(request, form, formset, change)
        for member in formset.save(commit=False):  # board seats through their service, as on the pages
            save_board_member(member, by=request.user)
        for member in formset.deleted_objects:
            member.delete()
        return None


@admin.register(BusinessUnit)
class BusinessUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("cooperative", "unit_type", "other_name", "status", "started_on")
    list_filter = ("unit_type", "status")
    search_fields = ("cooperative__name", "other_name")
    list_select_related = ("cooperative",)
    autocomplete_fields = ("cooperative",)


@admin.register(Partnership)
class PartnershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("partner", "kind", "status", "cooperative", "started_on", "monthly_value")
    list_filter = ("kind", "status")
    search_fields = ("partner", "cooperative__name")
    list_select_related = ("cooperative",)
    autocomplete_fields = ("cooperative",)


@admin.register(BoardMember)
class BoardMemberAdmin(SeatRefusalMixin, RosterAdminMixin, ImportExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [BoardMemberResource]
    list_display = ("name", "masked_nik", "position", "cooperative", "term_start", "term_end")
    list_filter = ("position", "gender")
    search_fields = ("name", "nik", "cooperative__name")
    list_select_related = ("cooperative",)
    autocomplete_fields = ("cooperative",)

    def save_model(self, request, obj, form, change):
        save_board_member(obj, by=request.user)  # the position rule under the cooperative lock
