"""Reads of field reports and problems, always through the user's scope."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Substr
from django.utils import timezone

from assistants.models import Assignment, Assistant
from cooperatives.models import BoardMember, Region
from core import regions
from core.scoping import scope_code
from core.shared_cache import shared_figures

from . import services
from .models import Activity, FieldProblem, MonthlyReport, ReportCooperative

if TYPE_CHECKING:
    from accounts.models import User

# The queue's states: a report's status, or no report yet ("not started"); "overdue" is any
# state short of submitted once the due date has passed.
QUEUE_STATES = ["not_started", "draft", "submitted", "verified", "returned", "approved", "overdue"]
# Sent for review and not returned: what "submitted" counts everywhere (the queue, the recap, the dashboard).
SENT = ("submitted", "verified", "approved")
# On time: sent by the due date the first time (a returned report was sent too); `late` is set
# at the first submission.
ON_TIME_STATUSES = (*SENT, "returned")
# Not tabs: the dashboard's "reports submitted" and "no approved report for two months" link here.
SENT_STATE = "sent"
UNAPPROVED_TWO_MONTHS = "unapproved2"


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


def queue_for(user: User, month: dt.date, area: str = "") -> QuerySet[Assistant]:
    """Every active BA in the user's scope (or in `area` of it) with the state of its report for
    `month` (annotated report_id, report_status, report_late): one query, whatever the number."""
    reports = MonthlyReport.objects.filter(assistant=OuterRef("pk"), month=month)
    return (
        Assistant.objects.for_user(user)
        .filter(role=Assistant.Role.BA, status=Assistant.Status.ACTIVE)
        .filter(regions.within_q("work_area__code", area))
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
    if state == SENT_STATE:  # the dashboard's "reports submitted", as a list
        return queue.filter(report_status__in=SENT)
    if state == UNAPPROVED_TWO_MONTHS:
        approved = MonthlyReport.objects.filter(
            assistant=OuterRef("pk"), month__in=[month, services.previous_month(month)], status="approved"
        )
        return queue.exclude(Exists(approved))
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


def open_problems_of(report: MonthlyReport, user: User) -> QuerySet[FieldProblem]:
    """The open problems of the report's cooperatives and caseload that the user may open: they
    carry over each month."""
    cooperative_ids = report.sections.values("cooperative_id")
    return (
        FieldProblem.objects.for_user(user)
        .open()
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
        return self.count(lambda r: r.status in SENT)

    @property
    def on_time(self) -> int:
        return self.count(lambda r: r.status in ON_TIME_STATUSES and not r.late)

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


# --- the heads' dashboard: field work -------------------------------------------------------


@dataclass
class FieldWorkRow:
    region: Region | None
    expected: int = 0  # active BAs (a BA reports to the regency it works in)
    submitted: int = 0  # submitted or approved
    on_time: int = 0  # submitted (or approved, or returned) by the due date the first time
    approved: int = 0
    open_problems: int = 0

    @property
    def completeness(self) -> float:
        return 100 * self.submitted / self.expected if self.expected else 0

    @property
    def on_time_rate(self) -> float:
        return 100 * self.on_time / self.expected if self.expected else 0


@dataclass
class FieldWork:
    month: dt.date | None
    total: FieldWorkRow
    rows: list[FieldWorkRow]
    open_by_category: list[tuple[str, str, int]]  # code, label, open problems
    overdue_follow_ups: int
    without_approval_two_months: int  # active BAs with no approved report for this month and the one before
    # Set when these are the previous figures, shown while another reader recomputes them (0006).
    as_of: dt.datetime | None = None
    # New with every computation: the card's HTML is rendered once per process for these figures.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def period(self) -> str:
        return services.month_label(self.month) if self.month else ""


def field_work_for(user: User, region: Region | None, children: list[Region]) -> FieldWork:
    """Report completeness and on-time rate, open problems and overdue follow-ups for a region of
    the user's scope and its child regions (provinces or regencies; a district has no BAs of its
    own, so below a regency only the regency's own totals are given). The month is the latest
    one BAs have submitted a report for. Four queries at any size."""
    code = region.code if region else ""
    bas = Assistant.objects.for_user(user).filter(
        regions.within_q("work_area__code", code), role=Assistant.Role.BA, status=Assistant.Status.ACTIVE
    )
    month = (
        MonthlyReport.objects.filter(assistant__in=bas, first_submitted_at__isnull=False)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    child_of = _child_finder(children)
    total, rows = FieldWorkRow(region=region), {c.code: FieldWorkRow(region=c) for c in children if child_of}
    if month:
        in_month = Q(monthly_reports__month=month)
        sent = in_month & Q(monthly_reports__status__in=SENT)
        approved_lately = MonthlyReport.objects.filter(
            assistant=OuterRef("pk"), month__in=[month, services.previous_month(month)], status="approved"
        )
        per_area = bas.values("work_area_id").annotate(
            expected=Count("pk", distinct=True),
            without=Count("pk", distinct=True, filter=~Q(Exists(approved_lately))),
            submitted=Count("monthly_reports", filter=sent),
            on_time=Count(
                "monthly_reports",
                filter=in_month & Q(monthly_reports__status__in=ON_TIME_STATUSES, monthly_reports__late=False),
            ),
            approved=Count("monthly_reports", filter=in_month & Q(monthly_reports__status="approved")),
        )
    else:
        per_area = bas.values("work_area_id").annotate(expected=Count("pk"))
    without = 0
    for item in per_area.order_by():
        without += item.get("without", 0)
        targets = [total]
        child = child_of(item["work_area_id"]) if child_of else None
        if child in rows:
            targets.append(rows[child])
        for target in targets:
            target.expected += item["expected"]
            target.submitted += item.get("submitted", 0)
            target.on_time += item.get("on_time", 0)
            target.approved += item.get("approved", 0)
    problems = FieldProblem.objects.for_user(user).filter(regions.within_q("region__code", code)).open()
    overdue = 0
    late = Q(due_date__lt=timezone.localdate())
    # Grouped by the child region's code in the database (38 or ~500 rows, not one per village).
    length = regions.CODE_LENGTH[children[0].level] if child_of else 0
    group = Substr("region_id", 1, length) if length else Value("")
    for region_code, n, n_overdue in (
        problems.annotate(child=group)
        .values_list("child")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=late))
        .order_by()
    ):
        total.open_problems += n
        overdue += n_overdue
        child = child_of(region_code) if child_of else None
        if child in rows:
            rows[child].open_problems += n
    labels = dict(FieldProblem.Category.choices)
    by_category = [
        (category, str(labels.get(category, category)), n)
        for category, n in problems.values_list("category").annotate(n=Count("pk")).order_by("-n", "category")
    ]
    return FieldWork(
        month=month,
        total=total,
        rows=list(rows.values()),
        open_by_category=by_category,
        overdue_follow_ups=overdue,
        without_approval_two_months=without,
    )


def field_work_cached(user: User, region: Region | None, children: list[Region]) -> FieldWork:
    """field_work_for under the dashboard's rule (docs/decisions/0002): kept while no report,
    problem or BA has changed (one query to know), and for the day (overdue counts change with it)."""
    codes = ",".join(c.code for c in children)
    key = f"fieldwork:{scope_code(user)}:{region.code if region else ''}:{codes}:{timezone.localdate()}"
    work, as_of = shared_figures(
        key, [MonthlyReport, FieldProblem, Assistant], lambda: field_work_for(user, region, children)
    )
    work.as_of = as_of  # set when these are the previous figures (decision record 0006)
    return work


def _child_finder(children: list[Region]):
    """code → the child region's code holding it, for province or regency children; None below."""
    if not children or children[0].level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
        return None
    level = children[0].level
    return lambda code: regions.ancestor_at(code or "", level)
