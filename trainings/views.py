"""Training pages. Reads go through `for_user` (out of scope is a 404); writes on a cohort need
the cohort to be held inside the user's own scope (`editable_by`), so a regency's staff follow
the province's cohorts but only the province changes them."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from assistants.models import Assistant
from cooperatives.models import Region
from core.forms import posted_ids
from core.list_pages import ListExportMixin, ListPageMixin
from core.validators import parse_score, score_text
from core.views import CancelLinkMixin, PageMixin, ScopedChildMixin, ScopedObjectMixin

from . import services
from .filters import CohortFilter, ParticipantFilter, ProgramFilter
from .forms import BoardEnrollForm, CohortForm, ProgramForm, ScoreForm, StaffEnrollForm
from .models import Attendance, Cohort, Enrollment, TrainingProgram
from .resources import ParticipantResource
from .selectors import (
    COVERAGE_POSITIONS,
    attendance_sheet,
    cohort_composition,
    cohorts_for,
    coverage_base,
    participants_for,
    programs_for,
    training_coverage,
)
from .tables import CohortTable, ParticipantTable, ProgramTable


def _messages_of(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


class ProgramListView(ListPageMixin):
    permission_required = "trainings.view_trainingprogram"
    filterset_class = ProgramFilter
    table_class = ProgramTable
    template_name = "trainings/program_list.html"

    def get_queryset(self):
        return programs_for(self.request.user)

    def get_table_kwargs(self):
        user = self.request.user
        editable = TrainingProgram.objects.editable_by(user).values_list("pk", flat=True)
        return {"editable_ids": set(editable) if user.has_perm("trainings.change_trainingprogram") else set()}


class ProgramFormMixin(CancelLinkMixin, PageMixin):
    model = TrainingProgram
    form_class = ProgramForm
    template_name = "trainings/form.html"

    def get_success_url(self):
        return reverse("trainings:program_list")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Saved."))
        return response


class ProgramCreateView(ProgramFormMixin, CreateView):
    permission_required = "trainings.add_trainingprogram"
    extra_context = {"page_title": _("Add training program")}

    def form_valid(self, form):
        form.instance.owner_region_id = self.request.user.scope_region_id  # kept by the office that made it
        return super().form_valid(form)


class ProgramUpdateView(ScopedObjectMixin, ProgramFormMixin, UpdateView):
    permission_required = "trainings.change_trainingprogram"
    extra_context = {"page_title": _("Edit training program")}

    def get_object(self, queryset=None):
        program = super().get_object(queryset)
        # Everyone sees the shared catalogue; only the owning office changes a program.
        if not program.is_editable_by(self.request.user):
            raise PermissionDenied(_("This program is kept by another office; only its staff can change it."))
        return program


class CohortListView(ListPageMixin):
    permission_required = "trainings.view_cohort"
    filterset_class = CohortFilter
    table_class = CohortTable
    template_name = "trainings/cohort_list.html"

    def get_queryset(self):
        return cohorts_for(self.request.user)


class CohortFormMixin(CancelLinkMixin, PageMixin):
    model = Cohort
    form_class = CohortForm
    template_name = "trainings/form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Saved."))
        return response


class CohortCreateView(CohortFormMixin, CreateView):
    permission_required = "trainings.add_cohort"
    extra_context = {"page_title": _("Add cohort")}

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("program"):
            initial["program"] = self.request.GET["program"]
        if self.request.user.scope_region_id:
            initial["region"] = self.request.user.scope_region_id
        return initial


class CohortUpdateView(ScopedObjectMixin, CohortFormMixin, UpdateView):
    permission_required = "trainings.change_cohort"
    extra_context = {"page_title": _("Edit cohort")}

    def get_queryset(self):
        # Only a cohort held in the user's own scope is changed here; a followed one is a 404.
        return Cohort.objects.editable_by(self.request.user)


class CohortMixin(ScopedChildMixin):
    """Pages under one cohort. Reading needs the cohort visible to the user; writing (any
    method but GET/HEAD, or `write_view = True`) needs it held in the user's own scope."""

    parent_model = Cohort
    parent_url_kwarg = "cohort_pk"
    write_view = False

    def get_parent_queryset(self):
        user = self.request.user
        writing = self.write_view or self.request.method not in ("GET", "HEAD")
        cohorts = Cohort.objects.editable_by(user) if writing else Cohort.objects.for_user(user)
        return cohorts.select_related("program", "region")

    @property
    def cohort(self):
        return self.parent

    @cached_property
    def can_edit(self):
        user = self.request.user
        return (
            user.has_perm("trainings.change_cohort")
            and Cohort.objects.editable_by(user).filter(pk=self.cohort.pk).exists()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"can_edit": self.can_edit}


class CohortDetailView(CohortMixin, ListPageMixin):
    permission_required = "trainings.view_cohort"
    filterset_class = ParticipantFilter
    table_class = ParticipantTable
    template_name = "trainings/cohort_detail.html"

    def get_queryset(self):
        return participants_for(self.request.user).filter(cohort=self.cohort)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"cohort": self.cohort}

    def get_table_kwargs(self):
        return {"show_cohort": False}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "composition": cohort_composition(self.cohort, self.request.user),
        }


class EnrollView(CohortMixin, FormView):
    permission_required = "trainings.add_enrollment"
    write_view = True
    template_name = "trainings/enroll.html"

    def get_form_class(self):
        return StaffEnrollForm if self.cohort.program.audience == TrainingProgram.Audience.STAFF else BoardEnrollForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "cohort": self.cohort}

    def people(self, form):
        user, data = self.request.user, form.cleaned_data
        if isinstance(form, StaffEnrollForm):
            chosen = []
            if data["roles"] or data["areas"]:
                chosen = list(services.assistants_for(user=user, roles=data["roles"], areas=data["areas"]))
            return chosen + list(data["people"])
        return list(services.board_members_for(user=user, regencies=data["regencies"], positions=data["positions"]))

    def form_valid(self, form):
        people = self.people(form)
        if not people:
            form.add_error(None, _("Nobody matches this choice."))
            return self.form_invalid(form)
        try:
            result = services.enroll_many(
                cohort=self.cohort,
                people=people,
                enrolled_by=self.request.user,
                passed="enroll" if form.cleaned_data["repeat_passed"] else "skip",
            )
        except ValidationError as error:
            for message in _messages_of(error):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)s participant enrolled.",
                "%(count)s participants enrolled.",
                len(result.created),
            )
            % {"count": len(result.created)},
        )
        if result.skipped:
            messages.info(
                self.request, _("%(count)s were already enrolled and were skipped.") % {"count": len(result.skipped)}
            )
        if result.passed:
            names = ", ".join(person.name for person in result.passed[:10])
            more = len(result.passed) - 10
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s person already passed this program and was skipped: %(names)s.",
                    "%(count)s people already passed this program and were skipped: %(names)s.",
                    len(result.passed),
                )
                % {"count": len(result.passed), "names": names + (f" (+{more})" if more > 0 else "")},
            )
        return redirect(self.cohort.get_absolute_url())


class AttendanceDayView(CohortMixin, TemplateView):
    """One day's sheet: everyone is ticked present until marked otherwise."""

    permission_required = "trainings.view_attendance"
    template_name = "trainings/attendance_day.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.day = dt.date.fromisoformat(kwargs["day"])
        except ValueError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        if self.day not in self.cohort.days:
            raise Http404
        participants, marks = attendance_sheet(self.cohort, self.request.user)
        rows = [(p, marks[p.pk].get(self.day)) for p in participants]
        open_rows = any(p.status == Enrollment.Status.REGISTERED for p in participants)
        return (
            super().get_context_data(**kwargs)
            | sheet_filters(participants)
            | {
                "day": self.day,
                "rows": rows,
                "sheet_open": open_rows and self.can_edit and self.day <= timezone.localdate(),
                "future_day": self.day > timezone.localdate(),
                "next_day": self.next_day(),
                "recorded": sum(1 for _p, mark in rows if mark),
                "absent": sum(1 for _p, mark in rows if mark and not mark.present),
            }
        )

    def get_permission_required(self):
        if self.request.method == "POST":
            return ("trainings.add_attendance", "trainings.change_attendance")
        return super().get_permission_required()

    def post(self, request, *args, **kwargs):
        participants, _marks = attendance_sheet(self.cohort, request.user)
        registered = [p.pk for p in participants if p.status == Enrollment.Status.REGISTERED]
        present = posted_ids(request.POST.getlist("present"))
        notes = {pk: request.POST.get(f"note-{pk}", "") for pk in registered}
        try:
            changed = services.mark_attendance(
                cohort=self.cohort,
                day=self.day,
                absent=[pk for pk in registered if pk not in present],
                notes=notes,
                participants=registered,
                recorded_by=request.user,
            )
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, _("Attendance saved (%(count)s changes).") % {"count": changed})
        following = self.next_day()
        if following:  # the next day's sheet, as a cohort is recorded day after day
            return redirect("trainings:attendance_day", self.cohort.pk, following.isoformat())
        return redirect(self.cohort.get_absolute_url())

    def next_day(self):
        later = [d for d in self.cohort.days if self.day < d <= timezone.localdate()]
        return later[0] if later else None


class ScoreSheetView(CohortMixin, TemplateView):
    """Pre- and post-test scores of a whole cohort on one page, saved at once: all or nothing,
    a refused row keeps what was typed and says why beside it."""

    permission_required = "trainings.view_enrollment"
    template_name = "trainings/score_sheet.html"

    def get_permission_required(self):
        if self.request.method == "POST":
            return ("trainings.change_enrollment",)
        return super().get_permission_required()

    def get_context_data(self, rows=None, **kwargs):
        if rows is None:
            participants, _marks = attendance_sheet(self.cohort, self.request.user)
            rows = [ScoreRow(p, score_text(p.pre_test), score_text(p.post_test)) for p in participants]
        return (
            super().get_context_data(**kwargs)
            | sheet_filters(row.enrollment for row in rows)
            | {
                "rows": rows,
                "errors": sum(1 for row in rows if row.errors),
                "editable": self.can_edit and self.request.user.has_perm("trainings.change_enrollment"),
            }
        )

    def post(self, request, *args, **kwargs):
        participants, _marks = attendance_sheet(self.cohort, request.user)
        rows, scores = [], {}
        for enrollment in participants:
            row = ScoreRow(
                enrollment, request.POST.get(f"pre-{enrollment.pk}", ""), request.POST.get(f"post-{enrollment.pk}", "")
            )
            rows.append(row)
            try:
                scores[enrollment.pk] = (parse_score(row.pre_test), parse_score(row.post_test))
            except ValueError:
                row.errors.append(_("A score is a number from 0 to 100, e.g. 85 or 85,5."))
        unreadable = any(row.errors for row in rows)
        try:
            with transaction.atomic():  # rows that read are checked even when others do not
                changed = services.set_scores_many(cohort=self.cohort, scores=scores, by=request.user)
                transaction.set_rollback(unreadable)
        except ValidationError as error:
            for row in rows:
                row.errors.extend(error.message_dict.get(row.enrollment.pk, []))
        if not any(row.errors for row in rows):
            messages.success(request, _("Scores saved (%(count)s changed).") % {"count": changed})
            return redirect(self.cohort.get_absolute_url())
        refused = sum(1 for row in rows if row.errors)
        messages.error(
            request,
            ngettext(
                "%(count)s row was refused; nothing was saved.",
                "%(count)s rows were refused; nothing was saved.",
                refused,
            )
            % {"count": refused},
        )
        return self.render_to_response(self.get_context_data(rows=rows))


@dataclass
class ScoreRow:
    enrollment: Enrollment
    pre_test: str
    post_test: str
    errors: list = field(default_factory=list)


def sheet_filters(participants):
    """The choices of a sheet's filter box: the roles and regencies present on it."""
    participants = list(participants)
    return {
        "filter_roles": sorted({(p.role_key, str(p.role_label)) for p in participants}, key=lambda role: role[1]),
        "filter_regencies": sorted({p.regency_name for p in participants}),
    }


class CohortActionView(CohortMixin, View):
    """POST-only buttons on the cohort page: close the cohort, issue certificates."""

    permission_required = "trainings.change_enrollment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "close":
                result = services.complete_cohort(cohort=self.cohort, by=request.user)
                messages.success(
                    request,
                    _("Cohort closed: %(completed)s completed, %(not_completed)s did not.")
                    % {"completed": result.completed, "not_completed": result.not_completed},
                )
            elif action == "certificates":
                issued = services.issue_certificates(cohort=self.cohort, by=request.user)
                messages.success(request, _("%(count)s certificates issued.") % {"count": len(issued)})
            else:
                raise Http404
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
        return redirect(self.cohort.get_absolute_url())


class ParticipantListView(ListPageMixin):
    permission_required = "trainings.view_enrollment"
    filterset_class = ParticipantFilter
    table_class = ParticipantTable
    template_name = "trainings/participant_list.html"

    def get_queryset(self):
        return participants_for(self.request.user)


class ParticipantExportView(ListExportMixin, ParticipantListView):
    resource_class = ParticipantResource
    export_name = "peserta-pelatihan"


class ParticipantMixin(ScopedObjectMixin):
    """One enrollment, found in the user's scope (and its cohort visible); writes also need the
    cohort held in the user's scope (else a 404, before the handler)."""

    def get_queryset(self):
        return participants_for(self.request.user)

    def load_objects(self):
        super().load_objects()
        user = self.request.user
        self.enrollment = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.cohort = self.enrollment.cohort
        self.can_edit = (
            user.has_perm("trainings.change_enrollment")
            and Cohort.objects.editable_by(user).filter(pk=self.cohort.pk).exists()
        )
        if self.request.method not in ("GET", "HEAD") and not self.can_edit:
            raise Http404


class ParticipantDetailView(ParticipantMixin, UpdateView):
    """A participant's attendance, scores and status, with the single-person actions."""

    permission_required = "trainings.view_enrollment"
    form_class = ScoreForm

    def get_permission_required(self):
        if self.request.method == "POST":
            return ("trainings.change_enrollment",)
        return super().get_permission_required()

    template_name = "trainings/participant_detail.html"

    def get_object(self, queryset=None):
        return self.enrollment

    def get_context_data(self, **kwargs):
        marks = {a.day: a for a in self.enrollment.attendance.select_related("recorded_by")}
        changes = (
            Attendance.history.filter(enrollment_id=self.enrollment.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        return super().get_context_data(**kwargs) | {
            "changes": changes,
            "enrollment": self.enrollment,
            "cohort": self.cohort,
            "can_edit": self.can_edit,
            "days": [(day, marks.get(day)) for day in self.cohort.days],
        }

    def form_valid(self, form):
        try:
            services.set_scores(
                enrollment=self.enrollment,
                pre_test=form.cleaned_data["pre_test"],
                post_test=form.cleaned_data["post_test"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(reverse("trainings:participant_detail", args=[self.enrollment.pk]))


class ParticipantActionView(ParticipantMixin, View):
    permission_required = "trainings.change_enrollment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action, enrollment = kwargs["action"], self.enrollment
        try:
            if action == "complete":
                services.complete(enrollment=enrollment, by=request.user)
                messages.success(request, _("%(name)s completed the training.") % {"name": enrollment.name})
            elif action == "withdraw":
                services.withdraw(enrollment=enrollment, by=request.user)
                messages.success(request, _("%(name)s was withdrawn.") % {"name": enrollment.name})
            elif action == "certificate":
                services.issue_certificate(enrollment=enrollment, by=request.user)
                messages.success(request, _("Certificate issued."))
            else:
                raise Http404
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
        return redirect(reverse("trainings:participant_detail", args=[enrollment.pk]))


class CertificateView(ScopedObjectMixin, DetailView):
    """A printable certificate; only for a completion with a certificate number."""

    permission_required = "trainings.view_enrollment"
    template_name = "trainings/certificate.html"
    context_object_name = "enrollment"

    def get_queryset(self):
        return (
            participants_for(self.request.user)
            .filter(status=Enrollment.Status.COMPLETED)
            .exclude(certificate_number="")
        )


class AttendanceListView(CohortMixin, TemplateView):
    """The printable attendance list: every participant, a column per day, signatures."""

    permission_required = "trainings.view_attendance"
    template_name = "trainings/attendance_list.html"

    def get_context_data(self, **kwargs):
        participants, marks = attendance_sheet(self.cohort, self.request.user)
        days = self.cohort.days
        rows = [(p, [marks[p.pk].get(day) for day in days]) for p in participants]
        return super().get_context_data(**kwargs) | {"rows": rows, "days": days}


class CoverageView(PageMixin, TemplateView):
    permission_required = "trainings.view_enrollment"
    template_name = "trainings/coverage.html"

    def get_context_data(self, **kwargs):
        from cooperatives.models import BoardMember

        labels = dict(BoardMember.Position.choices)
        base = coverage_base(self.request.user, self.request.GET.get("wilayah"))
        if base is False:
            raise Http404
        rows = training_coverage(self.request.user, base)
        by_province = bool(rows) and rows[0].regency.level == Region.Level.PROVINCE
        return super().get_context_data(**kwargs) | {
            "rows": rows,
            "base": base,
            "by_province": by_province,
            "positions": [(p, labels[p]) for p in COVERAGE_POSITIONS],
            "staff_roles": [Assistant.Role.PMO, Assistant.Role.BA],
        }
