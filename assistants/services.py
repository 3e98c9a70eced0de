"""The only way assignments change. Each operation is all-or-nothing in one transaction and
records who, when and why.

The 1:10 rule holds under concurrent requests: every operation locks the BA rows it adds to
(SELECT ... FOR UPDATE on PostgreSQL; on SQLite every write transaction already takes the
database write lock at BEGIN, see settings) before counting their caseload. "One active BA per
cooperative" is a partial unique index, so two requests for one cooperative cannot both win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cooperatives.models import Cooperative
from core import problems
from core.problems import Problem

from .models import Assignment, Assistant

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


class AssignmentRefused(ValidationError):
    """A rule refused the operation; the message names the cooperative and the BA."""


def capacity() -> int:
    return settings.KDKMP_BA_CAPACITY


def lock_assistants(assistants: Iterable[Assistant]) -> dict[int, Assistant]:
    """Lock BA rows in pk order and return them by pk. Every operation takes its BA locks first
    and its assignment row locks after, always in this order, so two operations never wait on
    each other in a circle (a deadlock)."""
    pks = sorted({a.pk for a in assistants})
    locked = Assistant.objects.select_for_update(of=("self",)).filter(pk__in=pks).select_related("work_area")
    return {a.pk: a for a in locked.order_by("pk")}


def active_loads(assistant_pks: Collection[int]) -> dict[int, int]:
    loads = dict.fromkeys(assistant_pks, 0)
    for pk in Assignment.objects.active().filter(assistant_id__in=assistant_pks).values_list("assistant_id", flat=True):
        loads[pk] += 1
    return loads


def assignment_problem(
    assistant: Assistant,
    cooperative: Cooperative,
    *,
    current: Assignment | None = None,
    previous_end: dt.date | None = None,
    start_date: dt.date | None = None,
) -> Problem | None:
    """The rules for giving `cooperative` to `assistant`, on state the caller has loaded (no
    query, so a national import checks 80,000 rows at memory speed): only an active BA, only in
    its own regency, one BA per cooperative (`current`: its active assignment), no start before
    the previous assignment ended. The cap counts a whole set, so callers apply it."""
    params = {
        "assistant": assistant.name,
        "name": assistant.name,
        "cooperative": cooperative.name,
        "area": assistant.work_area.name,
    }
    if assistant.role != Assistant.Role.BA:
        return Problem("not_a_ba", params)
    if assistant.status != Assistant.Status.ACTIVE:
        return Problem("assistant_inactive", params)
    if not cooperative.village_id.startswith(assistant.work_area_id + "."):
        return Problem("outside_work_area", params)
    if current is not None and current.assistant_id != assistant.pk:
        return Problem("cooperative_taken", params | {"other": current.assistant.name})
    if current is None and previous_end and start_date and start_date < previous_end:
        return Problem("starts_before_previous_end", params | {"end": date_format(previous_end)})
    return None


# One message per rule's problem code, for the pages, the import and the admin alike.
RULE_MESSAGES = problems.register(
    {
        "not_a_ba": gettext_lazy("%(assistant)s is not a Business Assistant, so cannot accompany %(cooperative)s."),
        "assistant_inactive": gettext_lazy("%(assistant)s is no longer active, so cannot accompany %(cooperative)s."),
        "outside_work_area": gettext_lazy("%(cooperative)s is outside the work area of %(assistant)s (%(area)s)."),
        "cooperative_taken": gettext_lazy(
            "%(cooperative)s is already accompanied by %(other)s, not %(assistant)s; to change that, use "
            "Transfer on the cooperative's page."
        ),
        "already_with_assistant": gettext_lazy("%(cooperative)s is already accompanied by %(assistant)s."),
        "starts_before_previous_end": gettext_lazy(
            "%(cooperative)s was accompanied until %(end)s: a new assignment cannot start before that."
        ),
        "ba_full": gettext_lazy(
            "%(assistant)s already accompanies %(load)s cooperatives (the limit is %(capacity)s), "
            "so %(cooperative)s cannot be added."
        ),
        "has_caseload": gettext_lazy(
            "%(assistant)s still accompanies %(load)s cooperatives: role, work area and status cannot change "
            "until the caseload is handed over."
        ),
    }
)


def refuse(problem: Problem | None) -> None:
    if problem is not None:
        raise AssignmentRefused(problem.message, code=problem.code)


def ba_full(assistant: Assistant, cooperative: Cooperative, load: int) -> Problem:
    """The cap, counted by the caller over a whole set: `load` is what the BA would already hold."""
    params = {"assistant": assistant.name, "load": load, "capacity": capacity(), "cooperative": cooperative.name}
    return Problem("ba_full", params)


def _check_dates(start_date: dt.date, end_date: dt.date, cooperative: Cooperative) -> None:
    if end_date < start_date:
        raise AssignmentRefused(
            _("The end date for %(cooperative)s cannot be before its start date (%(start)s).")
            % {"cooperative": cooperative.name, "start": date_format(start_date)}
        )


def create_active_assignments(rows: Sequence[Assignment]) -> list[Assignment]:
    """Insert new active assignments (with their history rows: who and why); a cooperative that
    meanwhile got a BA is refused by name."""
    try:
        with transaction.atomic():
            first = rows[0] if rows else None
            return bulk_create_with_history(
                rows,
                Assignment,
                default_user=first.assigned_by if first else None,
                default_change_reason=first.reason if first else None,
            )
    except IntegrityError:
        taken = (
            Assignment.objects.active()
            .filter(cooperative__in=[r.cooperative_id for r in rows])
            .select_related("cooperative", "assistant")
            .first()
        )
        if taken is None:
            raise
        problem = Problem(
            "already_with_assistant", {"cooperative": taken.cooperative.name, "assistant": taken.assistant.name}
        )
        raise AssignmentRefused(problem.message, code=problem.code) from None


def _active_of(cooperatives: Iterable[Cooperative]) -> dict[int, Assignment]:
    return {
        a.cooperative_id: a
        for a in Assignment.objects.active().filter(cooperative__in=cooperatives).select_related("assistant")
    }


@transaction.atomic
def bulk_assign(
    *,
    assistant: Assistant,
    cooperatives: Iterable[Cooperative],
    by: User,
    reason: str = "",
    start_date: dt.date | None = None,
) -> list[Assignment]:
    """Assign many cooperatives to one BA at once; all or none."""
    start_date = start_date or timezone.localdate()
    cooperatives = list(cooperatives)
    assistant = lock_assistants([assistant])[assistant.pk]
    load = active_loads([assistant.pk])[assistant.pk]
    already = _active_of(cooperatives)
    previous_end = dict(
        Assignment.objects.filter(cooperative__in=cooperatives, end_date__isnull=False)
        .values("cooperative_id")
        .annotate(last=Max("end_date"))
        .values_list("cooperative_id", "last")
    )
    for cooperative in cooperatives:
        current = already.get(cooperative.pk)
        if current is not None and current.assistant_id == assistant.pk:  # already this BA's
            refuse(Problem("already_with_assistant", {"cooperative": cooperative.name, "assistant": assistant.name}))
        refuse(
            assignment_problem(
                assistant,
                cooperative,
                current=current,
                previous_end=previous_end.get(cooperative.pk),
                start_date=start_date,
            )
        )
    for position, cooperative in enumerate(cooperatives):
        if load + position >= capacity():
            refuse(ba_full(assistant, cooperative, load + position))
    return create_active_assignments(
        [
            Assignment(assistant=assistant, cooperative=c, start_date=start_date, reason=reason, assigned_by=by)
            for c in cooperatives
        ]
    )


def assign(
    *, assistant: Assistant, cooperative: Cooperative, by: User, reason: str = "", start_date: dt.date | None = None
) -> Assignment:
    """Assign one cooperative to a BA."""
    return bulk_assign(assistant=assistant, cooperatives=[cooperative], by=by, reason=reason, start_date=start_date)[0]


def _end(assignment: Assignment, *, by: User, reason: str, end_date: dt.date) -> Assignment:
    _check_dates(assignment.start_date, end_date, assignment.cooperative)
    assignment.end_date = end_date
    assignment.end_reason = reason
    assignment.ended_by = by
    assignment.ended_at = timezone.now()
    assignment._history_user = by
    assignment._change_reason = reason
    assignment.save(update_fields=["end_date", "end_reason", "ended_by", "ended_at"])
    return assignment


@transaction.atomic
def end_assignment(*, assignment: Assignment, by: User, reason: str, end_date: dt.date | None = None) -> Assignment:
    """End an active assignment (history is kept: the row stays with its end date)."""
    assignment = Assignment.objects.select_for_update().select_related("cooperative").get(pk=assignment.pk)
    if assignment.end_date is not None:
        raise AssignmentRefused(_("This assignment has already ended."))
    return _end(assignment, by=by, reason=reason, end_date=end_date or timezone.localdate())


def _moved_meanwhile(cooperative: Cooperative, now_with: Assistant) -> AssignmentRefused:
    return AssignmentRefused(
        _(
            "Another user has just moved %(cooperative)s to %(assistant)s. Check the cooperative's page and "
            "transfer again if needed."
        )
        % {"cooperative": cooperative.name, "assistant": now_with.name}
    )


@transaction.atomic
def transfer(
    *,
    cooperative: Cooperative,
    to_assistant: Assistant,
    by: User,
    reason: str,
    date: dt.date | None = None,
    expected_from: Assistant | None = None,
) -> Assignment:
    """Move a cooperative to another BA: the current assignment ends, a new one starts.
    `expected_from` is the BA the user saw on the page: if another user moved the cooperative
    meanwhile, the refusal says so and to whom (not that it has no BA)."""
    date = date or timezone.localdate()
    # BA rows first (both ends of the move), then the assignment row: the order hand_over uses.
    seen = Assignment.objects.active().filter(cooperative=cooperative).values_list("assistant_id", flat=True).first()
    lock_assistants([to_assistant] + ([Assistant(pk=seen)] if seen else []))
    current = Assignment.objects.active().select_for_update().filter(cooperative=cooperative).first()
    if current is None:
        # The locked row may have been ended by a transfer that committed while we waited:
        # a fresh read sees the assignment it made.
        now = Assignment.objects.active().filter(cooperative=cooperative).select_related("assistant").first()
        if now is not None:
            raise _moved_meanwhile(cooperative, now.assistant)
        raise AssignmentRefused(
            _("%(cooperative)s has no Business Assistant to transfer from.") % {"cooperative": cooperative.name}
        )
    if expected_from is not None and current.assistant_id != expected_from.pk:
        raise _moved_meanwhile(cooperative, Assistant.objects.get(pk=current.assistant_id))
    if current.assistant_id == to_assistant.pk:
        refuse(Problem("already_with_assistant", {"cooperative": cooperative.name, "assistant": to_assistant.name}))
    current.cooperative = cooperative
    _end(current, by=by, reason=reason, end_date=date)
    return assign(assistant=to_assistant, cooperative=cooperative, by=by, reason=reason, start_date=date)


@transaction.atomic
def hand_over(
    *,
    from_assistant: Assistant,
    to_assistants: Iterable[Assistant],
    by: User,
    reason: str,
    date: dt.date | None = None,
) -> list[Assignment]:
    """Hand a BA's whole caseload to one BA or spread it over several (each in turn, never
    past the cap); all or nothing. Returns the new assignments."""
    date = date or timezone.localdate()
    to_assistants = [a for a in to_assistants if a.pk != from_assistant.pk]
    if not to_assistants:
        raise AssignmentRefused(_("Choose at least one other Business Assistant to take over the caseload."))
    locked = lock_assistants([from_assistant, *to_assistants])
    current = list(
        Assignment.objects.active()
        .select_for_update()
        .filter(assistant=from_assistant)
        .select_related("cooperative")
        .order_by("cooperative__village_id")
    )
    if not current:
        raise AssignmentRefused(
            _("%(assistant)s has no active cooperatives to hand over.") % {"assistant": from_assistant.name}
        )
    loads = active_loads([a.pk for a in to_assistants])
    receivers = [locked[a.pk] for a in to_assistants]
    new_rows = []
    for assignment in current:
        cooperative = assignment.cooperative
        # The receiver with the most room takes the next cooperative (keeps loads balanced).
        receiver = min(receivers, key=lambda a: (loads[a.pk], a.pk))
        refuse(assignment_problem(receiver, cooperative))  # its current assignment is the one ending
        if loads[receiver.pk] >= capacity():
            refuse(ba_full(receiver, cooperative, loads[receiver.pk]))
        loads[receiver.pk] += 1
        _end(assignment, by=by, reason=reason, end_date=date)
        new_rows.append(
            Assignment(assistant=receiver, cooperative=cooperative, start_date=date, reason=reason, assigned_by=by)
        )
    return create_active_assignments(new_rows)


def caseload_blocks_change(stored: Assistant, *, role: str, work_area_id: str, status: str, load: int) -> bool:
    """The rule: a BA who still accompanies cooperatives keeps the role and the regency and
    stays active until the caseload is handed over (otherwise the cooperatives would hang on a
    PMO, in another regency, or on someone who left). `stored` is the assistant as saved."""
    if stored.role != Assistant.Role.BA or not load:
        return False
    resigning = status == Assistant.Status.RESIGNED != stored.status
    return role != Assistant.Role.BA or work_area_id != stored.work_area_id or resigning


def caseload_problem(assistant: Assistant, load: int) -> Problem:
    return Problem("has_caseload", {"assistant": assistant.name, "load": load})


def caseload_refusal(assistant: Assistant, load: int) -> AssignmentRefused:
    return AssignmentRefused(caseload_problem(assistant, load).message, code="has_caseload")


@transaction.atomic
def check_caseload_change(assistant_pk: int, *, role: str, work_area_id: str, status: str) -> None:
    """Refuse a change the caseload rule forbids, counted under the BA row lock that assign()
    takes. Inside a caller's transaction (the admin's save, save_assistant) the lock is held
    until that commits, so no assignment can slip between this check and the save."""
    stored = lock_assistants([Assistant(pk=assistant_pk)])[assistant_pk]
    load = active_loads([assistant_pk])[assistant_pk]
    if caseload_blocks_change(stored, role=role, work_area_id=work_area_id, status=status, load=load):
        raise caseload_refusal(stored, load)


@transaction.atomic
def save_assistant(assistant: Assistant, *, by: User | None) -> Assistant:
    """Create or change an assistant (the edit page, the admin): the caseload rule holds under
    concurrency (a BA set to resigned while being given a cooperative ends one way or the other)."""
    if assistant.pk:
        check_caseload_change(
            assistant.pk, role=assistant.role, work_area_id=assistant.work_area_id, status=assistant.status
        )
    assistant._history_user = by
    assistant.save()
    return assistant


@transaction.atomic
def resign(*, assistant: Assistant, by: User, date: dt.date | None = None) -> Assistant:
    """Mark an assistant resigned; refused while they still accompany cooperatives."""
    assistant = lock_assistants([assistant])[assistant.pk]
    load = active_loads([assistant.pk])[assistant.pk]
    if load:
        raise caseload_refusal(assistant, load)
    assistant.status = Assistant.Status.RESIGNED
    assistant.contract_end = date or timezone.localdate()
    assistant._history_user = by
    assistant.save(update_fields=["status", "contract_end"])
    return assistant
