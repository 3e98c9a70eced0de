from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, UpdateView, View

from cooperatives.models import Region
from cooperatives.selectors import cooperatives_for, districts_for, regencies_for
from core import regions
from core.forms import posted_ids
from core.history import readable_changes
from core.list_pages import ListExportMixin, ListPageMixin
from core.scoping import ScopedViewMixin, caseload_assistant_id, scope_code
from core.views import FormPageMixin, SaveThroughServiceMixin

from . import services
from .filters import AssistantFilter
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
    staffing_by_regency,
    staffing_total,
    unassigned_for,
)
from .tables import AssistantTable

# Above this many unassigned cooperatives the Penugasan page asks for a narrower filter.
MAX_ROWS_ON_BOARD = 500


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


class AssistantDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
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


class AssistantCreateView(LoginRequiredMixin, PermissionRequiredMixin, AssistantSaveMixin, FormPageMixin, CreateView):
    permission_required = "assistants.add_assistant"
    model = Assistant
    form_class = AssistantForm
    template_name = "cooperatives/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}


class AssistantUpdateView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedViewMixin, AssistantSaveMixin, FormPageMixin, UpdateView
):
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


class OperationView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A form page for one assignment operation; refusals are shown on the same page."""

    template_name = "assistants/operation_form.html"

    def render_form(self, form, **context):
        return render(self.request, self.template_name, {"form": form, **context})


class CooperativeAssignView(OperationView):
    """Assign a BA to a cooperative without one, or transfer it to another BA (with a reason)."""

    permission_required = "assistants.add_assignment"

    def setup_objects(self, request, pk):
        self.cooperative = get_object_or_404(cooperatives_for(request.user), pk=pk)
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
        self.setup_objects(request, pk)
        return self.render_form(self.form(), **self.context())

    def post(self, request, pk):
        self.setup_objects(request, pk)
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


class EndAssignmentView(OperationView):
    permission_required = "assistants.change_assignment"

    def setup_objects(self, request, pk):
        self.assignment = get_object_or_404(
            Assignment.objects.for_user(request.user).active().select_related("cooperative", "assistant"), pk=pk
        )

    def context(self):
        return {
            "page_title": _("End assignment: %(assignment)s") % {"assignment": self.assignment},
            "cooperative": self.assignment.cooperative,
        }

    def get(self, request, pk):
        self.setup_objects(request, pk)
        return self.render_form(EndAssignmentForm(), **self.context())

    def post(self, request, pk):
        self.setup_objects(request, pk)
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


class HandoverView(OperationView):
    permission_required = "assistants.change_assignment"

    def setup_objects(self, request, pk):
        self.assistant = get_object_or_404(Assistant.objects.for_user(request.user), pk=pk)

    def context(self):
        return {
            "page_title": _("Hand over the caseload of %(assistant)s") % {"assistant": self.assistant.name},
            "caseload": list(caseload_of(self.assistant)),
        }

    def get(self, request, pk):
        self.setup_objects(request, pk)
        return self.render_form(HandoverForm(from_assistant=self.assistant), **self.context())

    def post(self, request, pk):
        self.setup_objects(request, pk)
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


@require_POST
@login_required
@permission_required("assistants.change_assistant", raise_exception=True)
def resign_view(request, pk):
    assistant = get_object_or_404(Assistant.objects.for_user(request.user), pk=pk)
    try:
        services.resign(assistant=assistant, by=request.user)
    except services.AssignmentRefused as error:
        _refused(request, error)
        return redirect("assistants:handover", pk=assistant.pk)
    messages.success(request, _("%(assistant)s is marked as resigned.") % {"assistant": assistant.name})
    return redirect(assistant.get_absolute_url())


def _chosen_regency(request, user):
    """The regency the Penugasan page works in: the user's own, or the one chosen in the filter
    (`regency`, or the regency part of a dashboard link's `wilayah`)."""
    code = scope_code(user)
    if regions.is_regency(code):
        return Region.objects.get(code=code)
    area = request.GET.get("wilayah") or ""
    chosen = request.GET.get("regency") or request.POST.get("regency") or regions.regency_of(area)
    if chosen:
        return regencies_for(user).filter(code=chosen).first()
    return None


@login_required
@permission_required("assistants.view_assignment", raise_exception=True)
def assignment_board(request):
    """Penugasan: the unassigned cooperatives of the scope, grouped by district, assigned in bulk."""
    user = request.user
    if caseload_assistant_id(user):
        raise PermissionDenied  # a BA's own login works on its caseload, not the regency's
    regency = _chosen_regency(request, user)
    area = request.GET.get("wilayah") or ""
    district = request.GET.get("district") or regions.district_of(area)
    text = (request.GET.get("q") or "").strip()
    waiting = unassigned_for(user).order_by("village_id")
    if regency:
        waiting = waiting.filter(village__code__startswith=f"{regency.code}.")
    elif area:
        waiting = waiting.filter(village__code__startswith=f"{area}.")
    if district:
        waiting = waiting.filter(village__code__startswith=f"{district}.")
    if text:
        waiting = waiting.filter(name__icontains=text)
    selected = set()
    bas = list(business_assistants_of(regency.code)) if regency else []
    if request.method == "POST":
        if not user.has_perm("assistants.add_assignment"):
            raise PermissionDenied
        selected = posted_ids(request.POST.getlist("cooperatives"))
        assistant = next((ba for ba in bas if str(ba.pk) == request.POST.get("assistant")), None)
        chosen = list(unassigned_for(user).filter(pk__in=selected).select_related("village"))
        if assistant is None:
            messages.error(request, _("Choose a Business Assistant."))
        elif not chosen:
            messages.error(request, _("Choose at least one cooperative."))
        else:
            try:
                services.bulk_assign(
                    assistant=assistant, cooperatives=chosen, by=user, reason=request.POST.get("reason", "")[:300]
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
    rows = list(waiting.select_related("village__parent")[: MAX_ROWS_ON_BOARD + 1])
    groups = {}
    for cooperative in rows[:MAX_ROWS_ON_BOARD]:
        groups.setdefault(cooperative.village.parent, []).append(cooperative)
    staffing = staffing_by_regency(user)
    total, needed, gap = staffing_total(staffing)
    return render(
        request,
        "assistants/assignment_board.html",
        {
            "regency": regency,
            "regencies": regencies_for(user),
            "districts": districts_for(user, regency.code) if regency else [],
            "district": district,
            "q": text,
            "groups": groups.items(),
            "too_many": len(rows) > MAX_ROWS_ON_BOARD,
            "max_rows": MAX_ROWS_ON_BOARD,
            "bas": bas,
            "selected": selected,
            "capacity": settings.KDKMP_BA_CAPACITY,
            "staffing": staffing,
            "total": total,
            "bas_needed": needed,
            "gap": gap,
            "regency_locked": regions.is_regency(scope_code(user)),
        },
    )


@login_required
@permission_required("assistants.view_assignment", raise_exception=True)
def planner(request):
    """Preview the planner's proposal for a regency; apply it in one action (all or nothing).
    What is applied is what was previewed: if the data changed meanwhile, the user sees the new
    proposal first."""
    if caseload_assistant_id(request.user):
        raise PermissionDenied
    regency = _chosen_regency(request, request.user)
    if regency is None:
        staffing = staffing_by_regency(request.user)
        total, needed, gap = staffing_total(staffing)
        return render(
            request,
            "assistants/planner.html",
            {
                "staffing": staffing,
                "total": total,
                "bas_needed": needed,
                "gap": gap,
                "capacity": settings.KDKMP_BA_CAPACITY,
            },
        )
    plan = plan_regency(regency)
    if request.method == "POST":
        if not request.user.has_perm("assistants.add_assignment"):
            raise PermissionDenied
        if request.POST.get("fingerprint") != plan.fingerprint:
            messages.warning(request, _("The data changed since the preview: check the new proposal and apply again."))
            return redirect(f"{reverse('assistants:planner')}?regency={regency.code}")
        try:
            created = apply_plan(plan, by=request.user, reason=_("Planner"))
        except services.AssignmentRefused as error:
            _refused(request, error)
            return redirect(f"{reverse('assistants:planner')}?regency={regency.code}")
        messages.success(
            request,
            _("%(count)s assignments were made in %(regency)s.") % {"count": len(created), "regency": regency.name},
        )
        return redirect(f"{reverse('assistants:board')}?regency={regency.code}")
    loads = plan.load_after()
    return render(
        request,
        "assistants/planner.html",
        {
            "regency": regency,
            "plan": plan,
            "loads": loads,
            "ba_rows": [(ba, ba.load, loads[ba.pk]) for ba in plan.bas],
            "capacity": plan.capacity,
        },
    )
