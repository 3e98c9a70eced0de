"""Field-report pages: the BA's "Tugas saya", the report and its cooperatives, the PMO's queue
and review, and the field-problem register. Out of scope is a 404 (the querysets go through
`for_user`), a missing permission a 403; every write goes through reports/services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from assistants.models import Assistant
from cooperatives.models import Cooperative, Region
from core import regions
from core.exports import xlsx_response
from core.forms import is_id, posted_ids
from core.history import readable_changes
from core.list_pages import ListExportMixin, ListPageMixin
from core.views import PageMixin

from . import selectors, services
from .filters import ProblemFilter
from .forms import ActivityForm, ProblemActionForm, ProblemForm, ReviewForm, SectionForm, SummaryForm
from .models import Activity, MonthlyReport, ReviewSetting
from .resources import FieldProblemResource
from .tables import ProblemTable

CHANGE_LABELS = (
    {"members_count": _lazy("Members")}
    | {f: capfirst(Cooperative._meta.get_field(f).verbose_name) for f in services.PROGRESS_FIELDS}
    | dict(Cooperative.MILESTONES)
)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _own_assistant(user):
    """The BA record linked to this login, or None."""
    return Assistant.objects.filter(user_id=user.pk, role=Assistant.Role.BA).select_related("work_area").first()


def _wants_json(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


class Page(PageMixin, View):
    """The project's door (core.views.PageMixin): login, then the permission (403)."""


class MyWorkView(Page):
    """Tugas saya: a BA's month at a glance, on a phone."""

    permission_required = "reports.view_monthlyreport"

    def get(self, request):
        assistant = _own_assistant(request.user)
        if assistant is None:
            return redirect("reports:queue")
        today = timezone.localdate()
        current = services.month_start(today)
        previous = services.previous_month(current)
        reports = {r.month: r for r in assistant.monthly_reports.filter(month__in=[previous, current])}
        months = []
        for month in (previous, current):
            report = reports.get(month)
            if month == previous and report is None and not services.caseload_in_month(assistant, month):
                continue
            if month == previous and report and report.status == MonthlyReport.Status.APPROVED:
                continue  # done: only the current month is work
            months.append(
                {
                    "month": month,
                    "label": services.month_label(month),
                    "report": report,
                    "due": services.due_date(month),
                    "overdue": services.is_overdue(month, today) and (report is None or report.is_editable),
                    "missing": services.missing_sections(report) if report and report.is_editable else [],
                }
            )
        caseload = list(
            assistant.assignments.active()
            .select_related("cooperative__village__parent")
            .prefetch_related("cooperative__board_members")
            .order_by("cooperative__name")
        )
        return render(
            request,
            "reports/my_work.html",
            {
                "assistant": assistant,
                "months": months,
                "caseload": caseload,
                "open_problems": selectors.problems_for(request.user).open().filter(assistant=assistant).count(),
            },
        )


class OpenReportView(Page):
    """POST: open (or create) a BA's report for a month, then show it."""

    permission_required = "reports.change_monthlyreport"

    def post(self, request, assistant_pk, period):
        assistant = get_object_or_404(Assistant.objects.for_user(request.user), pk=assistant_pk)
        month = services.parse_period(period)
        if month is None:
            raise Http404
        try:
            report = services.open_report(assistant, month, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("reports:my_work" if _own_assistant(request.user) else "reports:queue")
        return redirect(report.get_absolute_url())


class ReportMixin:
    """Pages under one report: after the door, `self.report` is the report named in the URL,
    found through the user's scope (404 outside it; a BA's login finds only its own)."""

    def load_objects(self):
        super().load_objects()
        self.report = get_object_or_404(selectors.reports_for(self.request.user), pk=self.kwargs["pk"])

    def may_write(self, report):
        return self.request.user.has_perm("reports.change_monthlyreport") and report.is_editable


class ReportDetailView(ReportMixin, Page):
    permission_required = "reports.view_monthlyreport"

    def get(self, request, pk):
        report = self.report
        return self.render(
            report, SummaryForm(initial={"summary": report.summary, "next_month_plan": report.next_month_plan})
        )

    def post(self, request, pk):
        """Save the summary (the page's form, or the draft script's autosave)."""
        report = self.report
        if not self.may_write(report):
            raise PermissionDenied
        form = SummaryForm(request.POST)
        if form.is_valid():
            try:
                services.save_summary(report, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
        if _wants_json(request):
            return _autosave_answer(form)
        if form.is_valid() and not form.errors:
            messages.success(request, _("Saved."))
            return redirect(report.get_absolute_url())
        return self.render(report, form)

    def render(self, report, summary_form):
        user = self.request.user
        sections = selectors.report_with_sections(report)
        reviewable = report.status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.VERIFIED)
        reviewer = reviewable and may_review(user, report)
        return render(
            self.request,
            "reports/report_detail.html",
            {
                "report": report,
                "sections": sections,
                "missing": [s for s in sections if not s.n_activities and not s.no_visit_reason],
                "may_write": self.may_write(report),
                "may_review": reviewer,
                "summary_form": summary_form,
                "review_form": ReviewForm(),
                "due": services.due_date(report.month),
                "problems": selectors.open_problems_of(report, user),
                "changes": readable_changes(report.history.all(), limit=10),
            },
        )


def section_form(section) -> SectionForm:
    """A cooperative's part of the report as last saved (its reported changes included)."""
    initial = {"no_visit_reason": section.no_visit_reason, "progress_note": section.progress_note}
    return SectionForm(initial=initial | section.changes, cooperative=section.cooperative)


def month_context(request) -> tuple:
    """The month a page is about (?month=YYYY-MM, else the month being reported now) and the
    labels of it and its neighbours, for the month arrows."""
    month = services.parse_period(request.GET.get("month", "")) or selectors.the_month_for()
    labels = {
        "period": services.month_label(month),
        "previous": services.month_label(services.previous_month(month)),
        "next": services.month_label(services.next_month(month)),
    }
    return month, labels


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal onto the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _autosave_answer(form):
    if form.errors:
        return JsonResponse({"saved": False, "errors": form.errors}, status=400)
    return JsonResponse({"saved": True, "at": date_format(timezone.localtime(), "H:i")})


class SectionView(ReportMixin, Page):
    """One cooperative of the report: activities, no visit, progress and reported changes."""

    permission_required = "reports.view_monthlyreport"

    def get_section(self, pk, section_pk):
        report = self.report
        section = get_object_or_404(report.sections.select_related("cooperative__village__parent"), pk=section_pk)
        section.report = report
        return report, section

    def get(self, request, pk, section_pk):
        report, section = self.get_section(pk, section_pk)
        form = section_form(section)
        return self.render(report, section, form, ActivityForm(section=section))

    def post(self, request, pk, section_pk):
        report, section = self.get_section(pk, section_pk)
        if not self.may_write(report):
            raise PermissionDenied
        form = SectionForm(request.POST, cooperative=section.cooperative)
        if form.is_valid():
            try:
                services.save_section(
                    section,
                    no_visit_reason=form.cleaned_data["no_visit_reason"],
                    progress_note=form.cleaned_data["progress_note"],
                    changes=form.changes(),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
        if _wants_json(request):
            return _autosave_answer(form)
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect(report.get_absolute_url())
        return self.render(report, section, form, ActivityForm(section=section))

    def render(self, report, section, form, activity_form, status=200):
        activities = section.activities.prefetch_related("participants").order_by("date", "pk")
        return render(
            self.request,
            "reports/section.html",
            {
                "report": report,
                "section": section,
                "form": form,
                "activity_form": activity_form,
                "activities": activities,
                "board": selectors.board_contacts(section),
                "reported_changes": [(CHANGE_LABELS.get(f, f), v) for f, v in section.changes.items()],
                "may_write": self.may_write(report),
            },
            status=status,
        )


class ActivityCreateView(SectionView):
    permission_required = "reports.change_monthlyreport"

    def get(self, request, pk, section_pk):
        return redirect("reports:section", pk=pk, section_pk=section_pk)

    def post(self, request, pk, section_pk):
        report, section = self.get_section(pk, section_pk)
        if not self.may_write(report):
            raise PermissionDenied
        form = ActivityForm(request.POST, request.FILES, section=section)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_activity(
                    section,
                    participants=[m.pk for m in data.pop("participants")],
                    by=request.user,
                    **data,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Activity saved."))
                return redirect(reverse("reports:section", args=[pk, section_pk]) + "#activities")
        return self.render(report, section, section_form(section), form, status=400)


class ActivityDeleteView(ReportMixin, Page):
    permission_required = "reports.change_monthlyreport"

    def post(self, request, pk, activity_pk):
        report = self.report
        activity = get_object_or_404(Activity.objects.filter(section__report=report), pk=activity_pk)
        try:
            services.delete_activity(activity, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Activity removed."))
        return redirect("reports:section", pk=pk, section_pk=activity.section_id)


class ActivityPhotoView(ReportMixin, Page):
    """An activity's photo, only to those who may read the report (404 otherwise)."""

    permission_required = "reports.view_monthlyreport"

    def get(self, request, pk, activity_pk):
        activity = get_object_or_404(Activity.objects.filter(section__report=self.report), pk=activity_pk)
        if not activity.photo:
            raise Http404
        try:
            response = FileResponse(activity.photo.open("rb"), content_type="image/jpeg")
        except OSError:  # the file is gone from the storage
            raise Http404 from None
        response["Cache-Control"] = "private, max-age=86400"
        return response


class SubmitView(ReportMixin, Page):
    permission_required = "reports.change_monthlyreport"

    def post(self, request, pk):
        report = self.report
        try:
            report = services.submit(report, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if report.late:
                messages.warning(request, _("Submitted after the due date: the report is marked late."))
            else:
                messages.success(request, _("Submitted for review."))
        return redirect(report.get_absolute_url())


def may_review(user, report) -> bool:
    """The PMO reviews a submitted report; where the province adds the step, the regency Dinas
    then accepts (or returns) the one its PMO approved."""
    if report.status == MonthlyReport.Status.VERIFIED:
        return user.has_perm("reports.accept_monthlyreport")
    return user.has_perm("reports.review_monthlyreport")


class ReviewView(ReportMixin, Page):
    permission_required = "reports.review_monthlyreport"

    def has_permission(self):
        # Reviewers (the PMO) or, for a report waiting for the second step, the Dinas.
        return self.request.user.has_perm("reports.review_monthlyreport") or self.request.user.has_perm(
            "reports.accept_monthlyreport"
        )

    def post(self, request, pk):
        report = self.report
        if not may_review(request.user, report):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(report.get_absolute_url())
        try:
            if form.cleaned_data["decision"] == "approve" and report.status == MonthlyReport.Status.VERIFIED:
                services.accept(report, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Accepted: the report is locked and its changes are applied."))
            elif form.cleaned_data["decision"] == "approve":
                report = services.approve(report, by=request.user, note=form.cleaned_data["note"])
                if report.status == MonthlyReport.Status.VERIFIED:
                    messages.success(request, _("Approved: the report now waits for the regency Dinas."))
                else:
                    messages.success(request, _("Approved: the report is locked and its changes are applied."))
            else:
                services.return_report(report, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Returned to the BA with your note."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        next_url = request.POST.get("next", "")
        if next_url == "queue":
            return redirect(reverse("reports:queue") + f"?month={report.period}")
        return redirect(report.get_absolute_url())


class QueueView(Page):
    """The PMO's (and the office's) queue of the area's BAs for a month."""

    permission_required = "reports.view_monthlyreport"

    def get(self, request):
        month, labels = month_context(request)
        state = request.GET.get("state", "")
        area = request.GET.get("wilayah", "")
        if area and regions.level_of(area) is None:
            raise Http404
        queue = selectors.queue_for(request.user, month, area)
        counts = selectors.queue_counts(queue, month)
        rows = selectors.filter_queue(queue, state, month)
        page_size = 100
        rows = list(rows[: page_size + 1])
        return render(
            request,
            "reports/queue.html",
            {
                "month": month,
                **labels,
                "due": services.due_date(month),
                "state": state,
                "wilayah": area,
                "states": selectors.QUEUE_STATES,
                "counts": counts,
                "rows": rows[:page_size],
                "more": len(rows) > page_size,
                "may_review": request.user.has_perm("reports.review_monthlyreport"),
                "may_write": request.user.has_perm("reports.change_monthlyreport"),
            },
        )


class ApproveManyView(Page):
    permission_required = "reports.review_monthlyreport"

    def post(self, request):
        ids = posted_ids(request.POST.getlist("reports"))
        reports = list(selectors.reports_for(request.user).filter(pk__in=ids, status=MonthlyReport.Status.SUBMITTED))
        approved, refused = services.approve_many(reports, by=request.user)
        if approved:
            messages.success(request, _("%(count)s reports approved.") % {"count": len(approved)})
        for report, text in refused:
            messages.error(request, f"{report.assistant.name}: {text}")
        if not approved and not refused:
            messages.error(request, _("Choose at least one submitted report."))
        return redirect(reverse("reports:queue") + f"?month={request.POST.get('month', '')}")


# --- field problems ----------------------------------------------------------------------------


class ProblemListView(ListPageMixin):
    permission_required = "reports.view_fieldproblem"
    table_class = ProblemTable
    filterset_class = ProblemFilter
    template_name = "reports/problem_list.html"

    def get_queryset(self):
        return selectors.problems_for(self.request.user)


class ProblemExportView(ListExportMixin, ProblemListView):
    resource_class = FieldProblemResource
    export_name = "kendala"


class ProblemCreateView(Page):
    permission_required = "reports.add_fieldproblem"

    def get_assistant(self, request):
        own = _own_assistant(request.user)
        if own is not None:
            return own
        pk = request.GET.get("assistant") or request.POST.get("assistant")
        if not pk:
            return None
        if not is_id(pk):
            raise Http404
        return get_object_or_404(Assistant.objects.for_user(request.user).filter(role=Assistant.Role.BA), pk=pk)

    def form(self, request, assistant, data=None):
        cooperatives = assistant.assignments.active().values("cooperative_id")
        return ProblemForm(data, cooperatives=Cooperative.objects.for_user(request.user).filter(pk__in=cooperatives))

    def get(self, request):
        assistant = self.get_assistant(request)
        if assistant is None:  # office staff raise a problem from a BA's report
            messages.info(request, _("Open a BA's report to record a problem of its caseload."))
            return redirect("reports:queue")
        initial = {}
        if is_id(request.GET.get("cooperative", "")):
            initial["cooperative"] = request.GET["cooperative"]
        form = self.form(request, assistant)
        form.initial.update(initial)
        return render(request, "reports/problem_form.html", {"form": form, "assistant": assistant})

    def post(self, request):
        assistant = self.get_assistant(request)
        if assistant is None:
            raise Http404
        form = self.form(request, assistant, request.POST)
        report = None
        if is_id(request.POST.get("report", "")):
            report = selectors.reports_for(request.user).filter(pk=request.POST["report"], assistant=assistant).first()
        if form.is_valid():
            try:
                problem = services.raise_problem(
                    assistant=assistant, by=request.user, report=report, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The problem is recorded."))
                return redirect(report.get_absolute_url() if report else problem.get_absolute_url())
        return render(request, "reports/problem_form.html", {"form": form, "assistant": assistant}, status=400)


class ProblemDetailView(Page):
    permission_required = "reports.view_fieldproblem"

    def get_problem(self, pk):
        return get_object_or_404(selectors.problems_for(self.request.user), pk=pk)

    def get(self, request, pk, form=None, status=200):
        problem = self.get_problem(pk)
        return render(
            request,
            "reports/problem_detail.html",
            {
                "problem": problem,
                "notes": problem.notes.select_related("written_by"),
                "form": form or ProblemActionForm(),
                "may_follow_up": request.user.has_perm("reports.change_fieldproblem") and problem.is_open,
                "changes": readable_changes(problem.history.all(), limit=10),
            },
            status=status,
        )

    def post(self, request, pk):
        if not request.user.has_perm("reports.change_fieldproblem"):
            raise PermissionDenied
        problem = self.get_problem(pk)
        form = ProblemActionForm(request.POST)
        if form.is_valid():
            action, text = form.cleaned_data["action"], form.cleaned_data["text"]
            try:
                if action == "note":
                    services.add_note(problem, text=text, by=request.user, due_date=form.cleaned_data["due_date"])
                elif action == "escalate":
                    services.escalate(problem, text=text, by=request.user)
                else:
                    services.close_problem(problem, resolution=text, solved=action == "resolve", by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(problem.get_absolute_url())
        return self.get(request, pk, form=form, status=400)


class RecapView(Page):
    """The monthly recap of an area's BA reports (the PMO's report to the Dinas): on screen,
    printable on A4, and as xlsx, each stamped with when and by whom it was produced."""

    permission_required = "reports.view_monthlyreport"

    def get(self, request):
        month, labels = month_context(request)
        area = None
        code = request.GET.get("wilayah", "")
        if code:
            area = Region.objects.for_user(request.user).filter(code=code).exclude(level=Region.Level.VILLAGE).first()
            if area is None:
                raise Http404
        recap = selectors.recap_for(request.user, month, area)
        produced = {"at": timezone.localtime(), "by": request.user.get_full_name() or request.user.username}
        if request.GET.get("export") == "xlsx":
            return recap_xlsx(recap, produced)
        return render(
            request,
            "reports/recap.html",
            {
                "recap": recap,
                **labels,
                "produced": produced,
                "wilayah": code,
            },
        )


def recap_xlsx(recap, produced):
    stamp = _("Produced on %(at)s by %(by)s") % {
        "at": date_format(produced["at"], "DATETIME_FORMAT"),
        "by": produced["by"],
    }
    header = [
        _("Business Assistant"),
        _("Regency/city"),
        _("Report"),
        _("Late"),
        _("Cooperatives"),
        _("Not visited"),
        _("Activities"),
        _("Milestones reached"),
        _("Problems raised"),
        _("Problems resolved"),
        _("Problems open"),
        _("Pay recommended"),
    ]
    statuses = dict(MonthlyReport.Status.choices)
    yes, no = _("Yes"), _("No")
    rows = [
        [
            r.assistant.name,
            r.assistant.work_area.name,
            str(statuses.get(r.status, _("not started"))),
            yes if r.late else no,
            r.cooperatives,
            r.not_visited,
            r.activities,
            r.milestones,
            r.raised,
            r.resolved,
            r.open,
            yes if r.pay_recommended else no,
        ]
        for r in recap.rows
    ]
    totals = [
        [_("Reports expected"), recap.expected],
        [_("Submitted"), recap.submitted],
        [_("On time"), recap.on_time],
        [_("Approved"), recap.approved],
        [stamp, ""],
    ]
    categories = [
        [label, raised, resolved, still_open] for label, raised, resolved, still_open in recap.problems_by_category
    ]
    area = recap.area.name if recap.area else _("whole scope")
    return xlsx_response(
        [
            (_("Recap"), [f"{services.month_label(recap.month)} · {area}", ""], totals),
            (_("Per BA"), header, rows),
            (_("Problems"), [_("Category"), _("Raised"), _("Resolved"), _("Open")], categories),
        ],
        f"rekap-laporan-{services.month_label(recap.month)}.xlsx",
    )


class ReviewSettingView(Page):
    """The province's review chain: whether the regency Dinas accepts each report after the PMO."""

    permission_required = "reports.change_reviewsetting"

    def get_province(self, request):
        code = request.GET.get("provinsi") or request.POST.get("provinsi") or (request.user.scope_region_id or "")
        province = (
            Region.objects.for_user(request.user)
            .filter(code=regions.province_of(code), level=Region.Level.PROVINCE)
            .first()
        )
        if province is None:
            raise Http404
        return province

    def get(self, request):
        province = self.get_province(request)
        setting = ReviewSetting.objects.filter(province=province).first()
        return render(
            request,
            "reports/review_setting.html",
            {"province": province, "dinas_acceptance": bool(setting and setting.dinas_acceptance), "setting": setting},
        )

    def post(self, request):
        province = self.get_province(request)
        services.set_review_chain(
            province.code, dinas_acceptance=request.POST.get("dinas_acceptance") == "on", by=request.user
        )
        messages.success(request, _("Saved."))
        return redirect(reverse("reports:review_setting") + f"?provinsi={province.code}")
