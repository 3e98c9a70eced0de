"""Reads of field reports and problems, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember, Region
from core import regions

from . import services
from .models import Activity, FieldProblem, MonthlyReport, ReportCooperative

if TYPE_CHECKING:
    from accounts.models import User

# The queue's states: a report's status, or no report yet ("not started"); "overdue" is any
# state short of submitted once the due date has passed.
QUEUE_STATES = ["not_started", "draft", "submitted", "returned", "approved", "overdue"]


def reports_for(user: User) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.for_user(user).select_related("assistant__work_area", "submitted_by", "reviewed_by")


def sections_for(user: User) -> QuerySet[ReportCooperative]:
    return ReportCooperative.objects.for_user(user).select_related("report__assistant", "cooperative__village")


def report_with_sections(report: MonthlyReport) -> list[ReportCooperative]:
    """The report's sections with their activities and participants (a fixed number of queries)."""
    return list(
        report.sections.select_related("cooperative__village__parent")
        .annotate(n_activities=Count("activities"))
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.prefetch_related("participants").order_by("date", "pk"))
        )
        .order_by("cooperative__name")
    )


def board_contacts(section: ReportCooperative) -> QuerySet[BoardMember]:
    """The board members a BA calls, the serving ones first by position."""
    return section.cooperative.board_members.in_position_order()


def queue_for(user: User, month: dt.date) -> QuerySet[Assistant]:
    """Every active BA in the user's scope with the state of its report for `month` (annotated
    report_id, report_status, report_late): one query, whatever the number of BAs."""
    reports = MonthlyReport.objects.filter(assistant=OuterRef("pk"), month=month)
    return (
        Assistant.objects.for_user(user)
        .filter(role=Assistant.Role.BA, status=Assistant.Status.ACTIVE)
        .select_related("work_area")
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Subquery(reports.values("status")[:1]),
            report_late=Subquery(reports.values("late")[:1]),
            report_submitted_at=Subquery(reports.values("submitted_at")[:1]),
        )
        .order_by("work_area__name", "name")
    )


def filter_queue(queue: QuerySet[Assistant], state: str, month: dt.date, today: dt.date | None = None):
    if state == "not_started":
        return queue.filter(report_id__isnull=True)
    if state == "overdue":
        if not services.is_overdue(month, today):
            return queue.none()
        return queue.filter(Q(report_id__isnull=True) | Q(report_status__in=["draft", "returned"]))
    if state in MonthlyReport.Status.values:
        return queue.filter(report_status=state)
    return queue


def queue_counts(queue: QuerySet[Assistant], month: dt.date) -> dict[str, int]:
    """How many BAs are in each state (one query)."""
    counts = dict.fromkeys(QUEUE_STATES, 0)
    for status, n in queue.order_by().values_list("report_status").annotate(n=Count("pk")):
        counts[status or "not_started"] += n
    if services.is_overdue(month):
        counts["overdue"] = counts["not_started"] + counts["draft"] + counts["returned"]
    return counts


def problems_for(user: User) -> QuerySet[FieldProblem]:
    return FieldProblem.objects.for_user(user).select_related(
        "cooperative", "assistant", "region", "owner", "raised_by"
    )


def open_problems_of(report: MonthlyReport) -> QuerySet[FieldProblem]:
    """The open problems of the report's cooperatives and caseload: they carry over each month."""
    cooperative_ids = report.sections.values("cooperative_id")
    return (
        FieldProblem.objects.open()
        .filter(Q(cooperative_id__in=cooperative_ids) | Q(cooperative__isnull=True, assistant=report.assistant))
        .select_related("cooperative")
        .order_by("-severity", "raised_at")
    )


def the_month_for(today: dt.date | None = None) -> dt.date:
    """The month a BA works on today: the previous one until its due date, then the current one."""
    today = today or timezone.localdate()
    previous = services.previous_month(services.month_start(today))
    return previous if today <= services.due_date(previous) else services.month_start(today)


# --- the monthly recap ------------------------------------------------------------------------


@dataclass
class RecapRow:
    """One BA's month, as the PMO's recap counts it."""

    assistant: Assistant
    report_id: int | None = None
    status: str = ""
    late: bool = False
    cooperatives: int = 0  # in the report (the month's caseload)
    visited: int = 0  # with at least one activity
    activities: int = 0
    milestones: int = 0  # milestone dates falling in the month, on the BA's current caseload
    raised: int = 0
    resolved: int = 0
    open: int = 0

    @property
    def not_visited(self) -> int:
        return self.cooperatives - self.visited

    @property
    def pay_recommended(self) -> bool:
        """Pay follows the report: an approved report for the month recommends the month's pay."""
        return self.status == MonthlyReport.Status.APPROVED


@dataclass
class Recap:
    month: dt.date
    area: Region | None
    rows: list[RecapRow]
    problems_by_category: list[tuple[str, int, int, int]] = field(default_factory=list)  # label, raised, resolved, open

    def count(self, predicate) -> int:
        return sum(1 for row in self.rows if predicate(row))

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return self.count(lambda r: r.status in ("submitted", "approved"))

    @property
    def on_time(self) -> int:
        return self.count(lambda r: r.status in ("submitted", "approved", "returned") and not r.late)

    @property
    def approved(self) -> int:
        return self.count(lambda r: r.status == "approved")


def recap_for(user: User, month: dt.date, area: Region | None = None) -> Recap:
    """Per BA of the user's scope (or of `area` in it): the report's state, visits, cooperatives
    not visited, milestones reached this month, problems raised / resolved / open, and the pay
    recommendation. A fixed number of queries (six) at any size."""
    first, last = month, services.month_end(month)
    bas = (
        Assistant.objects.for_user(user)
        .filter(role=Assistant.Role.BA, status=Assistant.Status.ACTIVE)
        .select_related("work_area")
        .order_by("work_area__name", "name")
    )
    if area is not None:
        bas = bas.filter(regions.within_q("work_area__code", area.code))
    rows = {ba.pk: RecapRow(assistant=ba) for ba in bas}
    reports = MonthlyReport.objects.filter(assistant__in=bas, month=month)
    for pk, assistant_id, status, late in reports.values_list("pk", "assistant_id", "status", "late"):
        row = rows[assistant_id]
        row.report_id, row.status, row.late = pk, status, late
    sections = (
        ReportCooperative.objects.filter(report__in=reports)
        .values("report__assistant_id")
        .annotate(
            n=Count("pk", distinct=True),
            visited=Count("pk", distinct=True, filter=Q(activities__isnull=False)),
            activities=Count("activities"),
        )
    )
    for item in sections:
        row = rows[item["report__assistant_id"]]
        row.cooperatives, row.visited, row.activities = item["n"], item["visited"], item["activities"]
    reached = Q()
    counts = {}
    for milestone in services.MILESTONE_FIELDS:
        counts[milestone] = Count("pk", filter=Q(**{f"cooperative__{milestone}__range": (first, last)}))
        reached |= Q(**{f"cooperative__{milestone}__range": (first, last)})
    milestones = (
        Assignment.objects.active().filter(assistant__in=bas).filter(reached).values("assistant_id").annotate(**counts)
    )
    for item in milestones:
        rows[item["assistant_id"]].milestones = sum(item[m] for m in services.MILESTONE_FIELDS)
    start, end = _day_bounds(first, last)
    closed = Q(closed_at__gte=start, closed_at__lt=end, status=FieldProblem.Status.RESOLVED)
    problems = FieldProblem.objects.filter(assistant__in=bas)
    for item in problems.values("assistant_id").annotate(
        raised=Count("pk", filter=Q(raised_at__gte=start, raised_at__lt=end)),
        resolved=Count("pk", filter=closed),
        open=Count("pk", filter=Q(status__in=FieldProblem.OPEN_STATUSES)),
    ):
        row = rows[item["assistant_id"]]
        row.raised, row.resolved, row.open = item["raised"], item["resolved"], item["open"]
    labels = dict(FieldProblem.Category.choices)
    by_category = [
        (str(labels.get(item["category"], item["category"])), item["raised"], item["resolved"], item["open"])
        for item in problems.values("category")
        .annotate(
            raised=Count("pk", filter=Q(raised_at__gte=start, raised_at__lt=end)),
            resolved=Count("pk", filter=closed),
            open=Count("pk", filter=Q(status__in=FieldProblem.OPEN_STATUSES)),
        )
        .order_by("-open", "category")
    ]
    return Recap(month=month, area=area, rows=list(rows.values()), problems_by_category=by_category)


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes in the app's time zone: [first 00:00, the next day after last)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
