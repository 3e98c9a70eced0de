"""The rules of field reports and field problems. Every page, the admin and the import call
these; each write is one transaction, and the report row is locked while its status changes, so
two reviewers (or a reviewer and the BA) cannot both act on the same version.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistants.models import Assignment, Assistant
from cooperatives.models import LOAN_CEILING, Bank, Cooperative, LandStatus
from cooperatives.services import change_cooperative
from core import problems, regions
from core.problems import Problem

from . import photos
from .models import (
    Activity,
    FieldProblem,
    MonthlyReport,
    ProblemNote,
    ReportCooperative,
    ReviewSetting,
    month_label,
)

if TYPE_CHECKING:
    from accounts.models import User

# One message per rule's problem code (core/problems.py), for the pages and the import alike.
RULE_MESSAGES = problems.register(
    {"not_in_caseload": gettext_lazy("%(cooperative)s is not in the caseload of %(assistant)s.")}
)

# What a BA may report as changed for a cooperative; applied to it when the report is approved.
MILESTONE_FIELDS = [field for field, _label in Cooperative.MILESTONES]
# The steps after formation a BA sees in the field (the rules: Cooperative.clean). The build's
# status follows from its dates (Cooperative.follow_reported_build); the land and the bank are named.
PROGRESS_FIELDS = [
    "simkopdes_verified_date",
    "simkopdes_updated_date",
    "profile_complete_date",
    "land_status",
    "construction_started_date",
    "construction_percent",
    "construction_finished_date",
    "loan_amount_requested",
    "village_approval_date",
    "loan_bank",
    "bank_submitted_date",
    "bank_verified_date",
    "loan_agreement_date",
    "loan_amount_approved",
    "loan_disbursed_date",
]
NUMBER_FIELDS = {
    "members_count": (0, 1_000_000),
    "construction_percent": (0, 100),
    "loan_amount_requested": (0, LOAN_CEILING),
    "loan_amount_approved": (0, LOAN_CEILING),
}
CHOICE_FIELDS = {"loan_bank": Bank.values, "land_status": LandStatus.values}
NUMBER_MESSAGES = {
    "members_count": gettext_lazy("The members count must be a whole number of at least 0."),
    "construction_percent": gettext_lazy("Progress is a percentage from 0 to 100."),
    "loan_amount_requested": gettext_lazy("A Himbara loan to a cooperative is at most Rp 3 billion."),
    "loan_amount_approved": gettext_lazy("A Himbara loan to a cooperative is at most Rp 3 billion."),
}
DATE_FIELDS = [f for f in [*MILESTONE_FIELDS, *PROGRESS_FIELDS] if f not in NUMBER_FIELDS and f not in CHOICE_FIELDS]
CHANGE_FIELDS = ["members_count", *MILESTONE_FIELDS, *PROGRESS_FIELDS]


# --- months -----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return (month_end(month) + dt.timedelta(days=1)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


# Months a report can be about: from the program's first year to far ahead (odd years are no month).
FIRST_YEAR, LAST_YEAR = 2020, 2100
PERIOD = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


def parse_period(text: str) -> dt.date | None:
    """ "2025-11" → 1 Nov 2025; None for anything else (other digits, odd years included)."""
    match = PERIOD.match(text or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def plausible_day(day: dt.date | None, field: str) -> None:
    """A date typed for the program's work (milestones, follow-ups) lies in the program's years."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            {field: _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}},
            code="implausible_date",
        )


def due_date(month: dt.date) -> dt.date:
    """Day KDKMP_REPORT_DUE_DAY of the next month (clipped to that month's length)."""
    following = next_month(month)
    day = min(max(1, settings.KDKMP_REPORT_DUE_DAY), calendar.monthrange(following.year, following.month)[1])
    return following.replace(day=day)


def is_overdue(month: dt.date, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) > due_date(month)


# --- the caseload of a month --------------------------------------------------------------------


def caseload_in_month(assistant: Assistant, month: dt.date) -> dict[int, tuple[dt.date, dt.date]]:
    """The cooperatives `assistant` accompanied on any day of `month`, each with the days: an
    assignment ended mid-month or started mid-month counts for its own days (a transfer puts the
    cooperative in both BAs' reports). One query."""
    first, last = month, month_end(month)
    days: dict[int, tuple[dt.date, dt.date]] = {}
    rows = Assignment.objects.filter(assistant=assistant, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    for cooperative_id, start, end in rows.values_list("cooperative_id", "start_date", "end_date"):
        since, until = max(start, first), min(end or last, last)
        if cooperative_id in days:  # accompanied twice in the month: the whole span
            since, until = min(since, days[cooperative_id][0]), max(until, days[cooperative_id][1])
        days[cooperative_id] = (since, until)
    return days


def _refuse_unless_editable(report: MonthlyReport) -> None:
    if not report.is_editable:
        raise ValidationError(
            _("This report is %(status)s and cannot be changed now.") % {"status": report.get_status_display()},
            code="report_not_editable",
        )


def _lock(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def open_report(assistant: Assistant, month: dt.date, *, by: User | None) -> MonthlyReport:
    """The BA's report for `month`, created as a draft if needed. While it can still change, its
    sections follow the month's caseload (a cooperative handed over later in the month joins;
    one no longer accompanied that month leaves unless something was written for it), and the
    open problems of those cooperatives move to this BA (they carry over until resolved)."""
    if assistant.role != Assistant.Role.BA:
        raise ValidationError(_("Only a Business Assistant writes a monthly report."), code="not_a_ba")
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("A report cannot be opened for a month that has not started."), code="future_month")
    if not MonthlyReport.objects.filter(assistant=assistant, month=month).exists() and not caseload_in_month(
        assistant, month
    ):
        raise ValidationError(
            _("%(assistant)s accompanied no cooperative in %(month)s: there is nothing to report.")
            % {"assistant": assistant.name, "month": month_label(month)},
            code="no_caseload",
        )
    report, created = MonthlyReport.objects.get_or_create(assistant=assistant, month=month)
    if created:
        report.history.filter(history_type="+").update(history_user=by)
    if report.is_editable:
        sync_sections(report)
    return report


def sync_sections(report: MonthlyReport) -> None:
    days = caseload_in_month(report.assistant, report.month)
    existing = {
        s.cooperative_id: s
        for s in report.sections.annotate(n_activities=Count("activities")).select_related("cooperative")
    }
    for cooperative_id, (since, until) in days.items():
        section = existing.get(cooperative_id)
        if section is None:
            ReportCooperative.objects.create(
                report=report, cooperative_id=cooperative_id, accompanied_from=since, accompanied_until=until
            )
        elif (section.accompanied_from, section.accompanied_until) != (since, until):
            section.accompanied_from, section.accompanied_until = since, until
            section.save(update_fields=["accompanied_from", "accompanied_until"])
    for cooperative_id, section in existing.items():
        if cooperative_id not in days and not section.n_activities and not section.no_visit_reason:
            section.delete()
    if days:
        FieldProblem.objects.open().filter(cooperative_id__in=list(days)).exclude(assistant=report.assistant).filter(
            cooperative__assignments__assistant=report.assistant, cooperative__assignments__end_date__isnull=True
        ).update(assistant=report.assistant)


# --- writing ------------------------------------------------------------------------------------


def clean_changes(changes: Mapping[str, object]) -> dict[str, object]:
    """The reported changes as stored: known fields only, dates as ISO text, members as a number."""
    cleaned: dict[str, object] = {}
    errors = []
    for field, value in changes.items():
        if field not in CHANGE_FIELDS:
            raise ValidationError(_("“%(field)s” cannot be reported.") % {"field": field}, code="unknown_change")
        if value in (None, ""):
            continue
        if field in NUMBER_FIELDS:
            low, high = NUMBER_FIELDS[field]
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = -1
            if not low <= number <= high:
                errors.append(NUMBER_MESSAGES[field])
                continue
            cleaned[field] = number
        elif field in CHOICE_FIELDS:
            if value not in CHOICE_FIELDS[field]:
                errors.append(_("“%(value)s” is not one of the choices.") % {"value": value})
                continue
            cleaned[field] = value
        else:
            day = value if isinstance(value, dt.date) else parse_date(str(value))
            if day is None:
                errors.append(_("“%(value)s” is not a date.") % {"value": value})
                continue
            if day > timezone.localdate():
                errors.append(_("A milestone cannot be in the future."))
                continue
            if day.year < FIRST_YEAR:
                errors.append(_("A milestone cannot be before %(year)s.") % {"year": FIRST_YEAR})
                continue
            cleaned[field] = day.isoformat()
    if errors:
        raise ValidationError(errors, code="bad_change")
    return cleaned


@transaction.atomic
def save_section(
    section: ReportCooperative,
    *,
    no_visit_reason: str = "",
    progress_note: str = "",
    changes: Mapping[str, object] | None = None,
    by: User | None,
) -> ReportCooperative:
    _refuse_unless_editable(_lock(section.report))
    section.no_visit_reason = (no_visit_reason or "").strip()[:500]
    section.progress_note = (progress_note or "").strip()[:2000]
    section.changes = clean_changes(changes or {})
    _refuse_what_cannot_apply(section)
    section._history_user = by
    section.save()
    return section


def _as_values(changes: Mapping[str, object]) -> dict[str, object]:
    """Stored changes (dates as ISO text) as the cooperative's field values."""
    return {field: parse_date(value) if field in DATE_FIELDS else value for field, value in changes.items()}


def _refuse_what_cannot_apply(section: ReportCooperative) -> None:
    """Tell the BA now, not at approval, when the cooperative's rules refuse the reported changes
    (a loan step before the ones it needs, construction on land not ready): checked on a copy."""
    if not section.changes:
        return
    cooperative = Cooperative.objects.get(pk=section.cooperative_id)
    for field, value in _as_values(section.changes).items():
        setattr(cooperative, field, value)
    cooperative.follow_reported_build()
    try:
        cooperative.full_clean(exclude=["village"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.messages, code="changes_invalid") from None


@transaction.atomic
def save_summary(report: MonthlyReport, *, summary: str, next_month_plan: str, by: User | None) -> MonthlyReport:
    locked = _lock(report)
    _refuse_unless_editable(locked)
    locked.summary, locked.next_month_plan = (summary or "").strip()[:4000], (next_month_plan or "").strip()[:4000]
    locked._history_user = by
    locked.save(update_fields=["summary", "next_month_plan", "updated_at"])
    return locked


@transaction.atomic
def add_activity(
    section: ReportCooperative, *, participants: Iterable[int] = (), photo=None, by: User | None, **fields
) -> Activity:
    """An activity with a cooperative; its date lies in the days the BA accompanied it, and its
    participants are that cooperative's board members. An optional photo is shrunk first."""
    _refuse_unless_editable(_lock(section.report))
    activity = Activity(section=section, **fields)
    activity.full_clean(exclude=["section"])
    if not section.accompanied_from <= activity.date <= section.accompanied_until:
        raise ValidationError(
            {
                "date": _("The date must lie between %(start)s and %(end)s, the days you accompanied it this month.")
                % {
                    "start": date_format(section.accompanied_from),
                    "end": date_format(section.accompanied_until),
                }
            }
        )
    if activity.date > timezone.localdate():
        raise ValidationError({"date": _("An activity cannot be in the future.")})
    if activity.next_step_date and activity.next_step_date < activity.date:
        raise ValidationError({"next_step_date": _("The next step cannot come before the activity.")})
    plausible_day(activity.next_step_date, "next_step_date")
    board = set(section.cooperative.board_members.values_list("pk", flat=True))
    chosen = set(participants)
    if not chosen <= board:
        raise ValidationError({"participants": _("Choose board members of this cooperative.")})
    if photo:
        try:
            activity.photo.save("foto.jpg", photos.shrink(photo), save=False)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
    activity._history_user = by
    activity.save()
    activity.participants.set(chosen)
    if section.no_visit_reason:  # an activity answers "no visit"
        section.no_visit_reason = ""
        section.save(update_fields=["no_visit_reason"])
    return activity


@transaction.atomic
def delete_activity(activity: Activity, *, by: User | None) -> None:
    _refuse_unless_editable(_lock(activity.section.report))
    activity._history_user = by
    activity.delete()


def missing_sections(report: MonthlyReport) -> list[ReportCooperative]:
    """The sections with neither an activity nor a "no visit, because ..." (one query)."""
    return list(
        report.sections.annotate(n_activities=Count("activities"))
        .filter(n_activities=0, no_visit_reason="")
        .select_related("cooperative")
        .order_by("cooperative__name")
    )


# --- the review chain ----------------------------------------------------------------------------


@transaction.atomic
def submit(report: MonthlyReport, *, by: User) -> MonthlyReport:
    """Send the report for review. Every cooperative of the month's caseload needs an activity
    or a reason for no visit; the refusal names each one. Late is decided by the first
    submission (a returned report resubmitted after the due date stays as it was)."""
    locked = _lock(report)
    _refuse_unless_editable(locked)
    if month_start(timezone.localdate()) < locked.month:
        raise ValidationError(_("A report cannot be submitted before its month has started."), code="future_month")
    sync_sections(locked)
    missing = missing_sections(locked)
    if not locked.sections.exists():
        raise ValidationError(_("This report has no cooperatives: there was no caseload this month."), code="empty")
    if missing:
        names = ", ".join(s.cooperative.name for s in missing)
        raise ValidationError(
            _("Still missing: an activity or the reason for no visit for %(names)s.") % {"names": names},
            code="incomplete",
        )
    now = timezone.now()
    locked.status = MonthlyReport.Status.SUBMITTED
    locked.submitted_at = now
    if locked.first_submitted_at is None:
        locked.first_submitted_at = now
        locked.late = timezone.localdate(now) > due_date(locked.month)
    locked.submitted_by = by
    locked.on_behalf = locked.assistant.user_id != getattr(by, "pk", None)
    locked._history_user = by
    locked._change_reason = _("Submitted (on the BA's behalf)") if locked.on_behalf else _("Submitted")
    locked.save()
    return locked


def needs_dinas_acceptance(report: MonthlyReport) -> bool:
    """Whether the report's province adds the regency Dinas's acceptance after the PMO."""
    province = regions.province_of(report.assistant.work_area_id)
    return ReviewSetting.objects.filter(province_id=province, dinas_acceptance=True).exists()


@transaction.atomic
def set_review_chain(province_code: str, *, dinas_acceptance: bool, by: User | None) -> ReviewSetting:
    setting, _created = ReviewSetting.objects.get_or_create(province_id=province_code)
    setting.dinas_acceptance = dinas_acceptance
    setting.updated_by = by
    setting._history_user = by
    setting.save()
    return setting


def _refuse_unless_submitted(report: MonthlyReport, *statuses: str) -> None:
    if report.status not in (statuses or (MonthlyReport.Status.SUBMITTED,)):
        raise ValidationError(
            _("Only a submitted report can be reviewed; this one is %(status)s.")
            % {"status": report.get_status_display()},
            code="not_submitted",
        )


@transaction.atomic
def return_report(report: MonthlyReport, *, by: User, note: str) -> MonthlyReport:
    locked = _lock(report)
    _refuse_unless_submitted(locked, MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.VERIFIED)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what has to be fixed.")}, code="note_required")
    locked.status = MonthlyReport.Status.RETURNED
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), by, note[:2000]
    locked._history_user = by
    locked._change_reason = note[:100]
    locked.save()
    return locked


def _apply_changes(report: MonthlyReport, *, by: User) -> None:
    """Each reported change through the one write of a stored cooperative (its row locked and read
    fresh, only the reported fields set); a refusal names the cooperative and undoes the approval."""
    reason = _("Monthly report of %(assistant)s, %(month)s") % {
        "assistant": report.assistant.name,
        "month": month_label(report.month),
    }
    for section in [s for s in report.sections.select_related("cooperative") if s.changes]:
        try:
            change_cooperative(section.cooperative_id, _as_values(section.changes), by=by, reason=reason, reported=True)
        except ValidationError as error:
            raise ValidationError(
                _("The changes reported for %(cooperative)s cannot be applied: %(problem)s")
                % {"cooperative": section.cooperative.name, "problem": " ".join(error.messages)},
                code="changes_invalid",
            ) from None


@transaction.atomic
def approve(report: MonthlyReport, *, by: User, note: str = "") -> MonthlyReport:
    """The PMO approves a submitted report. Where the province adds the Dinas's step, it then
    waits for it (verified); otherwise it is final: the changes it reports are applied to its
    cooperatives (each kept in the cooperative's history with the report as the reason), and it
    is locked."""
    locked = _lock(report)
    _refuse_unless_submitted(locked)
    locked.reviewed_at, locked.reviewed_by, locked.review_note = timezone.now(), by, (note or "").strip()[:2000]
    locked._history_user = by
    if needs_dinas_acceptance(locked):
        locked.status = MonthlyReport.Status.VERIFIED
        locked._change_reason = _("Approved by the PMO; awaiting the Dinas")
        locked.save()
        return locked
    return _finalise(locked, by=by, reason=_("Approved"))


@transaction.atomic
def accept(report: MonthlyReport, *, by: User, note: str = "") -> MonthlyReport:
    """The regency Dinas accepts a report its PMO approved (the province's second step)."""
    locked = _lock(report)
    _refuse_unless_submitted(locked, MonthlyReport.Status.VERIFIED)
    locked.accepted_at, locked.accepted_by = timezone.now(), by
    if note:
        locked.review_note = (note or "").strip()[:2000]
    locked._history_user = by
    return _finalise(locked, by=by, reason=_("Accepted by the Dinas"))


def _finalise(locked: MonthlyReport, *, by: User, reason: str) -> MonthlyReport:
    _apply_changes(locked, by=by)
    locked.status = MonthlyReport.Status.APPROVED
    locked._change_reason = reason
    locked.save()
    return locked


def approve_many(reports: Iterable[MonthlyReport], *, by: User) -> tuple[list[MonthlyReport], list[tuple]]:
    """Approve each report on its own (one refusal does not undo the others): (approved, [(report, message)])."""
    approved, refused = [], []
    for report in reports:
        try:
            approved.append(approve(report, by=by))
        except ValidationError as error:
            refused.append((report, " ".join(error.messages)))
    return approved, refused


# --- field problems ------------------------------------------------------------------------------

NEXT_LEVEL = {
    FieldProblem.Level.PMO: FieldProblem.Level.REGENCY,
    FieldProblem.Level.REGENCY: FieldProblem.Level.PROVINCE,
}


@transaction.atomic
def raise_problem(
    *,
    assistant: Assistant,
    cooperative: Cooperative | None,
    category: str,
    severity: str,
    description: str,
    by: User | None,
    report: MonthlyReport | None = None,
    due_date: dt.date | None = None,
) -> FieldProblem:
    """A problem of one cooperative of the BA's current caseload, or of the whole caseload."""
    if assistant.role != Assistant.Role.BA:
        raise ValidationError(_("A field problem belongs to a Business Assistant's caseload."), code="not_a_ba")
    if cooperative is not None and not (
        Assignment.objects.active().filter(assistant=assistant, cooperative=cooperative).exists()
        or (report is not None and report.sections.filter(cooperative=cooperative).exists())
    ):
        problem = Problem("not_in_caseload", {"cooperative": cooperative.name, "assistant": assistant.name})
        raise ValidationError({"cooperative": ValidationError(problem.message, code=problem.code)})
    plausible_day(due_date, "due_date")
    problem = FieldProblem(
        assistant=assistant,
        cooperative=cooperative,
        region_id=cooperative.village_id if cooperative else assistant.work_area_id,
        report=report,
        category=category,
        severity=severity,
        description=(description or "").strip(),
        due_date=due_date,
        raised_by=by,
    )
    problem.full_clean()
    problem._history_user = by
    problem.save()
    return problem


def _lock_problem(problem: FieldProblem) -> FieldProblem:
    return FieldProblem.objects.select_for_update().get(pk=problem.pk)


def _refuse_unless_open(problem: FieldProblem) -> None:
    if not problem.is_open:
        raise ValidationError(_("This problem is already closed."), code="problem_closed")


def _note(problem: FieldProblem, text: str, by: User | None) -> ProblemNote:
    return ProblemNote.objects.create(problem=problem, text=text[:2000], written_by=by)


@transaction.atomic
def add_note(
    problem: FieldProblem, *, text: str, by: User | None, owner: User | None = None, due_date: dt.date | None = None
) -> ProblemNote:
    locked = _lock_problem(problem)
    _refuse_unless_open(locked)
    plausible_day(due_date, "due_date")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what was done or agreed.")})
    locked.status = FieldProblem.Status.IN_PROGRESS
    if owner is not None:
        locked.owner = owner
    if due_date is not None:
        locked.due_date = due_date
    locked._history_user = by
    locked._change_reason = text[:100]
    locked.save()
    return _note(locked, text, by)


@transaction.atomic
def escalate(problem: FieldProblem, *, text: str, by: User | None) -> FieldProblem:
    locked = _lock_problem(problem)
    _refuse_unless_open(locked)
    if locked.level not in NEXT_LEVEL:
        raise ValidationError(_("This problem is already at the province."), code="top_level")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say why it needs the next level.")})
    locked.level = NEXT_LEVEL[locked.level]
    locked._history_user = by
    locked._change_reason = _("Escalated to %(level)s") % {"level": locked.get_level_display()}
    locked.save()
    _note(locked, f"{locked._change_reason}: {text}", by)
    return locked


@transaction.atomic
def close_problem(problem: FieldProblem, *, resolution: str, solved: bool, by: User | None) -> FieldProblem:
    locked = _lock_problem(problem)
    _refuse_unless_open(locked)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Describe how it was resolved, or why it cannot be.")})
    locked.status = FieldProblem.Status.RESOLVED if solved else FieldProblem.Status.NOT_SOLVABLE
    locked.resolution = resolution[:4000]
    locked.closed_at = timezone.now()
    locked._history_user = by
    locked._change_reason = locked.get_status_display()
    locked.save()
    _note(locked, resolution, by)
    return locked
