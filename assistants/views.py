from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, UpdateView, View
from django_filters.views import FilterView

from cooperatives.models import Cooperative
from cooperatives.selectors import cooperatives_for, regencies_for
from core import regions
from core.forms import posted_ids
from core.history import readable_changes
from core.list_pages import ListExportMixin, ListPageMixin
from core.scoping import caseload_assistant_id
from core.views import FormPageMixin, PageMixin, SaveThroughServiceMixin, ScopedChildMixin, ScopedObjectMixin

from . import services
from .filters import AssistantFilter, PlannerFilter, UnassignedFilter
from .forms import AssignForm, AssistantForm, EndAssignmentForm, HandoverForm
from .models import Assignment, Assistant
from .planner import apply_plan, plan_regency
from .resources import AssistantResource
from .selectors import (
    area_bas_of_pmo,
    assistants_for,
    business_assistants_of,
    caseload_of,
    history_of_assistant,
    staffing_table,
    unassigned_for,
)
from .tables import AssistantTable

# Above this many unassigned cooperatives the Penugasan page asks for a narrower filter. Before a
# regency is chosen nothing can be assigned (a BA works in one regency), so fewer rows are shown.
MAX_ROWS_ON_BOARD = 500
MAX_ROWS_WITHOUT_REGENCY = 50


class AssistantListView(ListPageMixin):
    permission_required = "assistants.view_assistant"
    table_class = AssistantTable
    filterset_class = AssistantFilter
    template_name = "assistants/assistant_list.html"

    def get_queryset(self):
        return assistants_for(self.request.user)


class AssistantExportView(ListExportMixin, AssistantListView):
    resource_class = AssistantResource
    export_name = "pendamping"


class AssistantDetailView(ScopedObjectMixin, DetailView):
    permission_required = "assistants.view_assistant"
    template_name = "assistants/assistant_detail.html"

    def get_queryset(self):
        return assistants_for(self.request.user)

    def get_context_data(self, **kwargs):
        assistant = self.object
        context = super().get_context_data(**kwargs)
        context["caseload"] = list(caseload_of(assistant))
        context["history"] = history_of_assistant(assistant)
        context["changes"] = readable_changes(assistant.history.all())
        context["capacity"] = settings.KDKMP_BA_CAPACITY
        context["room"] = max(0, settings.KDKMP_BA_CAPACITY - len(context["caseload"]))
        if assistant.role == Assistant.Role.PMO:
            context["area_bas"] = area_bas_of_pmo(assistant).order_by("work_area_id", "name")
        return context


class AssistantSaveMixin(SaveThroughServiceMixin):
    """Through services.save_assistant: a BA given a cooperative while this form was open keeps
    its role, regency and status."""

    success_message = None


class AssistantCreateView(PageMixin, AssistantSaveMixin, FormPageMixin, CreateView):
    permission_required = "assistants.add_assistant"
    model = Assistant
    form_class = AssistantForm
    template_name = "cooperatives/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}


class AssistantUpdateView(ScopedObjectMixin, AssistantSaveMixin, FormPageMixin, UpdateView):
    permission_required = "assistants.change_assistant"
    model = Assistant
    form_class = AssistantForm
    template_name = "cooperatives/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        errors = form.errors.as_data()
        if any(e.code == "has_caseload" for e in errors.get("status", []) + errors.get("__all__", [])):
            context["handover_url"] = reverse("assistants:handover", args=[self.object.pk])
        return context


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


class OperationView(PageMixin, View):
    """A form page for one assignment operation; refusals are shown on the same page. What it
    operates on is loaded (scoped) before the handler, by ScopedObjectMixin or ScopedChildMixin."""

    template_name = "assistants/operation_form.html"

    def render_form(self, form, **context):
        about = getattr(self, "parent", None) or getattr(self, "object", None)
        cancel = about.get_absolute_url() if hasattr(about, "get_absolute_url") else reverse("assistants:list")
        return render(self.request, self.template_name, {"form": form, "cancel_url": cancel, **context})


class CooperativeAssignView(ScopedChildMixin, OperationView):
    """Assign a BA to a cooperative without one, or transfer it to another BA (with a reason)."""

    permission_required = "assistants.add_assignment"
    parent_model = Cooperative
    parent_url_kwarg = "pk"

    def get_parent_queryset(self):
        return cooperatives_for(self.request.user)

    def load_objects(self):
        super().load_objects()
        self.cooperative = self.parent
        self.current = (
            Assignment.objects.active().filter(cooperative=self.cooperative).select_related("assistant").first()
        )

    def form(self, data=None):
        return AssignForm(
            data,
            regency_code=regions.regency_of(self.cooperative.village_id),
            exclude=self.current.assistant if self.current else None,
            reason_required=self.current is not None,
            submit_label=_("Transfer") if self.current else _("Assign"),
            initial={"seen_assistant": self.current.assistant_id if self.current else None},
        )

    def context(self):
        title = _("Transfer %(cooperative)s") if self.current else _("Assign a BA to %(cooperative)s")
        return {
            "page_title": title % {"cooperative": self.cooperative.name},
            "cooperative": self.cooperative,
            "current": self.current,
        }

    def get(self, request, pk):
        return self.render_form(self.form(), **self.context())

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            # The BA the user saw when the form opened: a move made meanwhile is refused, not redone.
            seen = Assistant(pk=data["seen_assistant"]) if data.get("seen_assistant") else None
            try:
                if self.current or seen:
                    services.transfer(
                        cooperative=self.cooperative,
                        to_assistant=data["assistant"],
                        by=request.user,
                        reason=data["reason"],
                        date=data["date"],
                        expected_from=seen or self.current.assistant,
                    )
                else:
                    services.assign(
                        assistant=data["assistant"],
                        cooperative=self.cooperative,
                        by=request.user,
                        reason=data["reason"],
                        start_date=data["date"],
                    )
            except services.AssignmentRefused as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(cooperative)s is now accompanied by %(assistant)s.")
                    % {"cooperative": self.cooperative.name, "assistant": data["assistant"].name},
                )
                return redirect(self.cooperative.get_absolute_url())
        return self.render_form(form, **self.context())


class EndAssignmentView(ScopedObjectMixin, OperationView):
    permission_required = "assistants.change_assignment"

    def get_queryset(self):
        return Assignment.objects.for_user(self.request.user).active().select_related("cooperative", "assistant")

    def load_objects(self):
        super().load_objects()
        self.assignment = self.get_object()

    def context(self):
        return {
            "page_title": _("End assignment: %(assignment)s") % {"assignment": self.assignment},
            "cooperative": self.assignment.cooperative,
        }

    def get(self, request, pk):
        return self.render_form(EndAssignmentForm(), **self.context())

    def post(self, request, pk):
        form = EndAssignmentForm(request.POST)
        if form.is_valid():
            try:
                services.end_assignment(
                    assignment=self.assignment,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    end_date=form.cleaned_data["date"],
                )
            except services.AssignmentRefused as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The assignment has ended."))
                return redirect(self.assignment.assistant.get_absolute_url())
        return self.render_form(form, **self.context())


class HandoverView(ScopedObjectMixin, OperationView):
    permission_required = "assistants.change_assignment"
    model = Assistant

    def load_objects(self):
        super().load_objects()
        self.assistant = self.get_object()

    def context(self):
        return {
            "page_title": _("Hand over the caseload of %(assistant)s") % {"assistant": self.assistant.name},
            "caseload": list(caseload_of(self.assistant)),
        }

    def get(self, request, pk):
        return self.render_form(HandoverForm(from_assistant=self.assistant), **self.context())

    def post(self, request, pk):
        form = HandoverForm(request.POST, from_assistant=self.assistant)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = services.hand_over(
                    from_assistant=self.assistant,
                    to_assistants=list(data["to_assistants"]),
                    by=request.user,
                    reason=data["reason"],
                    date=data["date"],
                )
            except services.AssignmentRefused as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(count)s cooperatives were handed over.") % {"count": len(moved)})
                return redirect(self.assistant.get_absolute_url())
        return self.render_form(form, **self.context())


@method_decorator(require_POST, name="dispatch")  # a button, not a page: anything else is a 405 first
class ResignView(ScopedObjectMixin, View):
    permission_required = "assistants.change_assistant"
    model = Assistant

    def post(self, request, pk):
        assistant = self.get_object()
        try:
            services.resign(assistant=assistant, by=request.user)
        except services.AssignmentRefused as error:
            _refused(request, error)
            return redirect("assistants:handover", pk=assistant.pk)
        messages.success(request, _("%(assistant)s is marked as resigned.") % {"assistant": assistant.name})
        return redirect(assistant.get_absolute_url())


class RegencyWorkView(PageMixin, FilterView):
    """Penugasan and the planner: list pages over the scope whose FilterSet (built with `user=`)
    also says which regency the page works in (`filterset.working_regency`). A BA's own login
    works on its caseload, not the regency's: 403."""

    permission_required = "assistants.view_assignment"

    def has_permission(self):
        return super().has_permission() and not caseload_assistant_id(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class) | {"user": self.request.user}
        posted = self.request.POST.get("regency")
        if posted and not self.request.GET.get("regency"):
            # The page's POST form repeats the regency it was shown for.
            kwargs["data"] = (kwargs["data"] or QueryDict()).copy()
            kwargs["data"]["regency"] = posted
        return kwargs

    def get_filterset(self, filterset_class):
        # Once per request: a POST handler reads it before the page is rendered again.
        if getattr(self, "filterset", None) is None:
            self.filterset = super().get_filterset(filterset_class)
        return self.filterset

    @property
    def regency(self):
        return self.get_filterset(self.get_filterset_class()).working_regency

    @property
    def province_shown(self) -> str:
        """The province whose regencies the staffing table lists: the chosen regency's, or a
        dashboard link's (`wilayah`); "" for the whole scope."""
        return (self.regency.code if self.regency else self.request.GET.get("wilayah", "").strip())[:2]


class AssignmentBoardView(RegencyWorkView):
    """Penugasan: the unassigned cooperatives of the scope (UnassignedFilter), grouped by district,
    assigned in bulk. The rows are checkboxes in one POST form, grouped under their district, so
    they are rendered by the template rather than a table."""

    filterset_class = UnassignedFilter
    template_name = "assistants/assignment_board.html"
    # A refused POST shows the page again with everything as it was sent: the cooperatives
    # ticked, the BA chosen and the reason typed.
    selected = frozenset()
    posted_assistant = ""
    posted_reason = ""

    def get_queryset(self):
        return unassigned_for(self.request.user).order_by("village_id")

    @cached_property
    def bas(self):
        return list(business_assistants_of(self.regency.code)) if self.regency else []

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("assistants.add_assignment"):
            raise PermissionDenied
        self.selected = posted_ids(request.POST.getlist("cooperatives"))
        self.posted_assistant = request.POST.get("assistant", "")
        self.posted_reason = request.POST.get("reason", "")[:300]
        assistant = next((ba for ba in self.bas if str(ba.pk) == request.POST.get("assistant")), None)
        chosen = list(unassigned_for(request.user).filter(pk__in=self.selected).select_related("village"))
        if assistant is None:
            messages.error(request, _("Choose a Business Assistant."))
        elif not chosen:
            messages.error(request, _("Choose at least one cooperative."))
        else:
            try:
                services.bulk_assign(
                    assistant=assistant,
                    cooperatives=chosen,
                    by=request.user,
                    reason=self.posted_reason,
                )
            except services.AssignmentRefused as error:
                _refused(request, error)
            else:
                messages.success(
                    request,
                    _("%(count)s cooperatives were assigned to %(assistant)s.")
                    % {"count": len(chosen), "assistant": assistant.name},
                )
                return redirect(request.get_full_path())
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limit = MAX_ROWS_ON_BOARD if self.regency else MAX_ROWS_WITHOUT_REGENCY
        rows = list(self.object_list.select_related("village__parent")[: limit + 1])
        groups = {}
        for cooperative in rows[:limit]:
            groups.setdefault(cooperative.village.parent, []).append(cooperative)
        staffing, total, needed, gap = staffing_table(self.request.user, self.province_shown)
        return context | {
            "regency": self.regency,
            "groups": groups.items(),
            "too_many": len(rows) > limit,
            "max_rows": limit,
            "bas": self.bas,
            "selected": self.selected,
            "posted_assistant": self.posted_assistant,
            "posted_reason": self.posted_reason,
            "capacity": settings.KDKMP_BA_CAPACITY,
            "staffing": staffing,
            "total": total,
            "bas_needed": needed,
            "gap": gap,
        }


class PlannerView(RegencyWorkView):
    """Preview the planner's proposal for a regency (PlannerFilter); apply it in one action (all
    or nothing). What is applied is what was previewed: if the data changed meanwhile, the user
    sees the new proposal first. Without a regency: the staffing of each regency in scope."""

    filterset_class = PlannerFilter
    template_name = "assistants/planner.html"

    def get_queryset(self):
        return regencies_for(self.request.user)

    @cached_property
    def plan(self):
        return plan_regency(self.regency)

    def post(self, request, *args, **kwargs):
        regency = self.regency
        if regency is None:
            return self.get(request, *args, **kwargs)  # no regency, nothing to apply: the staffing
        if not request.user.has_perm("assistants.add_assignment"):
            raise PermissionDenied
        again = f"{reverse('assistants:planner')}?regency={regency.code}"
        if request.POST.get("confirm") != "yes":  # a bulk write: the user says yes first
            messages.error(request, _("Tick the box to confirm the assignments, then apply."))
            return redirect(again)
        if request.POST.get("fingerprint") != self.plan.fingerprint:
            messages.warning(request, _("The data changed since the preview: check the new proposal and apply again."))
            return redirect(again)
        try:
            created = apply_plan(self.plan, by=request.user, reason=_("Planner"))
        except services.AssignmentRefused as error:
            _refused(request, error)
            return redirect(again)
        messages.success(
            request,
            _("%(count)s assignments were made in %(regency)s.") % {"count": len(created), "regency": regency.name},
        )
        return redirect(f"{reverse('assistants:board')}?regency={regency.code}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.regency is None:
            staffing, total, needed, gap = staffing_table(self.request.user, self.province_shown)
            return context | {
                "staffing": staffing,
                "total": total,
                "bas_needed": needed,
                "gap": gap,
                "capacity": settings.KDKMP_BA_CAPACITY,
            }
        loads = self.plan.load_after()
        return context | {
            "regency": self.regency,
            "plan": self.plan,
            "loads": loads,
            "ba_rows": [(ba, ba.load, loads[ba.pk]) for ba in self.plan.bas],
            "capacity": self.plan.capacity,
        }
