from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView

from core.history import readable_changes
from core.list_pages import ListExportMixin, ListPageMixin
from core.views import FormPageMixin, PageMixin, SaveThroughServiceMixin, ScopedChildMixin, ScopedObjectMixin

from .filters import CooperativeFilter
from .forms import (
    BoardMemberForm,
    BusinessUnitForm,
    CooperativeCreateForm,
    CooperativeForm,
    PartnershipForm,
    ProgressForm,
)
from .models import BoardMember, BusinessUnit, Cooperative, Partnership
from .resources import CooperativeResource
from .selectors import breadcrumb_regions, cooperatives_for
from .tables import CooperativeTable, NationalPaginator


class CooperativeListView(ListPageMixin):
    permission_required = "cooperatives.view_cooperative"
    table_class = CooperativeTable
    filterset_class = CooperativeFilter
    template_name = "cooperatives/cooperative_list.html"

    def get_queryset(self):
        return cooperatives_for(self.request.user).with_ba_name()

    def get_table_pagination(self, table):
        return super().get_table_pagination(table) | {
            "paginator_class": NationalPaginator,
            "records": self.get_queryset(),
        }


class CooperativeExportView(ListExportMixin, CooperativeListView):
    resource_class = CooperativeResource
    export_name = "koperasi"


class CooperativeDetailView(ScopedObjectMixin, DetailView):
    permission_required = "cooperatives.view_cooperative"
    template_name = "cooperatives/cooperative_detail.html"

    def get_queryset(self):
        return cooperatives_for(self.request.user).prefetch_related(
            "extra_villages",
            "business_units",
            "partnerships",
            Prefetch("board_members", queryset=BoardMember.objects.in_position_order()),
        )

    def get_context_data(self, **kwargs):
        # The BA card and the board's trainings come from their own apps' template tags.
        return super().get_context_data(**kwargs) | {
            "breadcrumbs": breadcrumb_regions(self.object.village),
            "changes": readable_changes(self.object.history.all()),
            "board_changes": readable_changes(BoardMember.history.filter(cooperative_id=self.object.pk)),
        }


class CooperativeCreateView(PageMixin, FormPageMixin, CreateView):
    permission_required = "cooperatives.add_cooperative"
    model = Cooperative
    form_class = CooperativeCreateForm
    template_name = "cooperatives/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Cooperative “%(name)s” was created.") % {"name": self.object.name})
        return response


class CooperativeUpdateView(ScopedObjectMixin, FormPageMixin, UpdateView):
    permission_required = "cooperatives.change_cooperative"
    model = Cooperative
    form_class = CooperativeForm
    template_name = "cooperatives/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Changes to “%(name)s” were saved.") % {"name": self.object.name})
        return response


class ProgressUpdateView(ScopedObjectMixin, SaveThroughServiceMixin, FormPageMixin, UpdateView):
    """SIMKOPDES, the outlet build and the loan pipeline (services.change_cooperative keeps the why)."""

    permission_required = "cooperatives.change_cooperative"
    model = Cooperative
    form_class = ProgressForm
    template_name = "cooperatives/form.html"

    def get_queryset(self):
        return cooperatives_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "page_title": _("Progress after formation"),
            "cooperative": self.object,
        }


class CooperativeChildMixin(ScopedChildMixin, FormPageMixin):
    """Board members and business units live on their cooperative's page; the cooperative is
    looked up in the user's scope first, so another region's cooperative is a 404."""

    parent_model = Cooperative
    parent_url_kwarg = "cooperative_pk"
    template_name = "cooperatives/form.html"

    @property
    def cooperative(self):
        return self.parent

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"cooperative": self.cooperative}

    def get_success_url(self):
        return reverse("cooperatives:detail", args=[self.cooperative.pk])

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Saved."))
        return response


class BoardMemberCreateView(SaveThroughServiceMixin, CooperativeChildMixin, CreateView):
    permission_required = "cooperatives.add_boardmember"
    model = BoardMember
    form_class = BoardMemberForm


class BoardMemberUpdateView(SaveThroughServiceMixin, CooperativeChildMixin, UpdateView):
    permission_required = "cooperatives.change_boardmember"
    model = BoardMember
    form_class = BoardMemberForm

    def get_context_data(self, **kwargs):
        url = reverse("cooperatives:board_delete", args=[self.cooperative.pk, self.object.pk])
        return super().get_context_data(**kwargs) | {"delete_url": url}


class BusinessUnitCreateView(CooperativeChildMixin, CreateView):
    permission_required = "cooperatives.add_businessunit"
    model = BusinessUnit
    form_class = BusinessUnitForm


class BusinessUnitUpdateView(CooperativeChildMixin, UpdateView):
    permission_required = "cooperatives.change_businessunit"
    model = BusinessUnit
    form_class = BusinessUnitForm

    def get_context_data(self, **kwargs):
        url = reverse("cooperatives:unit_delete", args=[self.cooperative.pk, self.object.pk])
        return super().get_context_data(**kwargs) | {"delete_url": url}


class PartnershipCreateView(CooperativeChildMixin, CreateView):
    permission_required = "cooperatives.add_partnership"
    model = Partnership
    form_class = PartnershipForm


class PartnershipUpdateView(CooperativeChildMixin, UpdateView):
    permission_required = "cooperatives.change_partnership"
    model = Partnership
    form_class = PartnershipForm

    def get_context_data(self, **kwargs):
        url = reverse("cooperatives:partnership_delete", args=[self.cooperative.pk, self.object.pk])
        return super().get_context_data(**kwargs) | {"delete_url": url}


class ChildDeleteMixin(CooperativeChildMixin):
    template_name = "cooperatives/confirm_delete.html"

    def get_form_kwargs(self):
        # The confirmation form is a plain Form: it takes no cooperative.
        return super(CooperativeChildMixin, self).get_form_kwargs()

    def form_valid(self, form):
        self.object = self.get_object()
        self.object.delete()
        messages.success(self.request, _("Deleted."))
        return redirect(self.get_success_url())


class BoardMemberDeleteView(ChildDeleteMixin, DeleteView):
    permission_required = "cooperatives.delete_boardmember"
    model = BoardMember


class BusinessUnitDeleteView(ChildDeleteMixin, DeleteView):
    permission_required = "cooperatives.delete_businessunit"
    model = BusinessUnit


class PartnershipDeleteView(ChildDeleteMixin, DeleteView):
    permission_required = "cooperatives.delete_partnership"
    model = Partnership
