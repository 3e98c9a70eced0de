"""Writes that carry the training rules: enrolling, attendance, completion, certificates.

Each service takes keyword-only arguments, validates everything first, and writes inside one
transaction: it either fully applies or raises a ValidationError that names every problem.
The cohort row is locked while it changes, so two offices enrolling at once cannot overfill it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assistants.models import Assistant
from cooperatives.models import BoardMember, Cooperative, Region
from core.validators import score_text

from .models import Attendance, Cohort, Enrollment, TrainingProgram

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


@dataclass
class EnrollResult:
    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # people already enrolled in the cohort
    passed: list = field(default_factory=list)  # people skipped: they already passed the program


def _locked(cohort: Cohort) -> Cohort:
    """Re-read the cohort with its row locked for the rest of the transaction."""
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)


def _participant_problem(program: TrainingProgram, person: Assistant | BoardMember) -> str | None:
    """Why this person cannot take this program, or None."""
    if isinstance(person, Assistant):
        if program.audience != TrainingProgram.Audience.STAFF:
            return _("%(name)s is program staff; this program is for cooperative boards.") % {"name": person.name}
        if person.status != Assistant.Status.ACTIVE:
            return _("%(name)s is no longer active.") % {"name": person.name}
        return None
    if isinstance(person, BoardMember):
        if program.audience != TrainingProgram.Audience.BOARD:
            return _("%(name)s is a board member; this program is for program staff.") % {"name": person.name}
        if program.positions and person.position not in program.positions:
            return _("%(name)s is %(position)s; this program is for: %(positions)s.") % {
                "name": person.name,
                "position": person.get_position_display(),
                "positions": program.get_positions_display(),
            }
        return None
    raise TypeError(f"cannot enroll a {type(person).__name__}")


def _new_enrollment(
    cohort: Cohort, person: Assistant | BoardMember, enrolled_by: User | None, villages: Mapping[int, str]
) -> Enrollment:
    if isinstance(person, Assistant):
        return Enrollment(cohort=cohort, assistant=person, region_id=person.work_area_id, enrolled_by=enrolled_by)
    return Enrollment(
        cohort=cohort, board_member=person, region_id=villages[person.cooperative_id], enrolled_by=enrolled_by
    )


def _completed_the_program(program: TrainingProgram, people: list) -> set[tuple[type, int]]:
    """{(Assistant or BoardMember, pk)} of these people who completed a cohort of the program."""
    done = Enrollment.objects.filter(cohort__program=program, status=Enrollment.Status.COMPLETED).filter(
        Q(assistant__in=[p.pk for p in people if isinstance(p, Assistant)])
        | Q(board_member__in=[p.pk for p in people if isinstance(p, BoardMember)])
    )
    return {(Assistant, a) if a else (BoardMember, b) for a, b in done.values_list("assistant_id", "board_member_id")}


@transaction.atomic
def enroll_many(
    *,
    cohort: Cohort,
    people: Iterable[Assistant | BoardMember],
    enrolled_by: User | None = None,
    skip_enrolled: bool = True,
    passed: str = "skip",
) -> EnrollResult:
    """Enroll assistants and/or board members in a cohort, all or none.

    People already in the cohort are skipped (so a list or a spreadsheet can be sent again) or,
    with skip_enrolled=False, reported as errors. People who already completed a cohort of the
    same program are skipped (`passed="skip"`, listed in the result), refused ("refuse") or
    enrolled again ("enroll", a deliberate repeat). Every problem is collected before anything is
    written; the ValidationError lists them all, one message per person, and its `problems`
    attribute pairs each message with the person's position in `people` (an importer turns
    that into a row number).
    """
    cohort = _locked(cohort)
    program = cohort.program
    people = list(people)
    enrolled_assistants = set(cohort.enrollments.filter(assistant__isnull=False).values_list("assistant_id", flat=True))
    enrolled_members = set(
        cohort.enrollments.filter(board_member__isnull=False).values_list("board_member_id", flat=True)
    )
    villages = dict(
        Cooperative.objects.filter(pk__in={p.cooperative_id for p in people if isinstance(p, BoardMember)}).values_list(
            "pk", "village_id"
        )
    )
    completed = _completed_the_program(program, people) if passed != "enroll" else set()
    result = EnrollResult()
    problems, new, seen = [], [], set()
    for index, person in enumerate(people):
        key = (type(person), person.pk)
        if key in seen:
            continue  # the same person twice in one list counts once
        seen.add(key)
        problem = _participant_problem(program, person)
        if problem:
            problems.append((index, problem))
            continue
        already = person.pk in (enrolled_assistants if isinstance(person, Assistant) else enrolled_members)
        if already:
            if skip_enrolled:
                result.skipped.append(person)
            else:
                problems.append((index, _("%(name)s is already enrolled in this cohort.") % {"name": person.name}))
            continue
        if key in completed:
            if passed == "skip":
                result.passed.append(person)
            else:
                problems.append((index, _("%(name)s already passed this program.") % {"name": person.name}))
            continue
        new.append(_new_enrollment(cohort, person, enrolled_by, villages))
    taken = cohort.enrollments.active().count()
    if taken + len(new) > cohort.capacity:
        problems.append(
            (
                None,
                _("The cohort has %(free)s free places of %(capacity)s; %(wanted)s people were to be enrolled.")
                % {"free": max(cohort.capacity - taken, 0), "capacity": cohort.capacity, "wanted": len(new)},
            )
        )
    if problems:
        error = ValidationError([message for _index, message in problems])
        # For the spreadsheet import: (position in `people`, message), None for the whole list.
        error.problems = problems
        raise error
    for enrollment in new:
        # The links are set here from checked objects (the acting user included): validating
        # them again would be a query per person.
        enrollment.full_clean(
            exclude=["cohort", "assistant", "board_member", "region", "enrolled_by"], validate_constraints=False
        )
    result.created = bulk_create_with_history(new, Enrollment, default_user=enrolled_by)
    return result


def enroll(*, cohort: Cohort, person: Assistant | BoardMember, enrolled_by: User | None = None) -> Enrollment:
    """Enroll one person; enrolling someone already in the cohort is an error."""
    return enroll_many(cohort=cohort, people=[person], enrolled_by=enrolled_by, skip_enrolled=False).created[0]


@transaction.atomic
def withdraw(*, enrollment: Enrollment, by: User | None = None) -> Enrollment:
    """A participant leaves the cohort: the place is freed, the record and attendance stay."""
    if enrollment.status == Enrollment.Status.COMPLETED:
        raise ValidationError(_("A participant who completed cannot withdraw."))
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.status_changed_by = by
    enrollment.status_changed_at = timezone.now()
    enrollment._history_user = by
    enrollment.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    return enrollment


@transaction.atomic
def mark_attendance(
    *,
    cohort: Cohort,
    day: dt.date,
    absent: Iterable[int | str] = (),
    notes: Mapping[int, str | None] | None = None,
    participants: Iterable[Enrollment | int] | None = None,
    recorded_by: User | None = None,
) -> int:
    """Record one day's sheet: everyone registered is present except the enrollments in
    `absent` ("mark all present, then the exceptions"). `participants` limits the sheet to
    some enrollments (the ones the recording user can see); by default all registered ones.
    Only rows that change get a new who/when, so each mark keeps who recorded it and when."""
    cohort = _locked(cohort)
    if day not in cohort.days:
        raise ValidationError(
            _("%(day)s is not a day of this cohort (%(start)s to %(end)s).")
            % {"day": date_format(day), "start": date_format(cohort.start_date), "end": date_format(cohort.end_date)}
        )
    if day > timezone.localdate():
        raise ValidationError(
            _("%(day)s has not come yet: attendance is recorded on the day or after it.")
            % {"day": date_format(day, "DATE_FORMAT")},
            code="future_day",
        )
    notes = notes or {}
    absent = {int(pk) for pk in absent}
    registered = cohort.enrollments.filter(status=Enrollment.Status.REGISTERED)
    if participants is not None:
        registered = registered.filter(pk__in=[getattr(p, "pk", p) for p in participants])
    enrollments = list(registered.values_list("pk", flat=True))
    unknown = absent - set(enrollments)
    if unknown:
        raise ValidationError(_("Some participants marked absent are not registered in this cohort."))
    existing = {a.enrollment_id: a for a in Attendance.objects.filter(enrollment__cohort=cohort, day=day)}
    now = timezone.now()
    create, update = [], []
    for pk in enrollments:
        present = pk not in absent
        note = (notes.get(pk) or "").strip()[:200]
        row = existing.get(pk)
        if row is None:
            create.append(
                Attendance(
                    enrollment_id=pk, day=day, present=present, note=note, recorded_by=recorded_by, recorded_at=now
                )
            )
        elif row.present != present or row.note != note:
            row.present, row.note, row.recorded_by, row.recorded_at = present, note, recorded_by, now
            update.append(row)
    bulk_create_with_history(create, Attendance, default_user=recorded_by, default_date=now)
    bulk_update_with_history(
        update,
        Attendance,
        ["present", "note", "recorded_by", "recorded_at"],
        default_user=recorded_by,
        default_date=now,
    )
    return len(create) + len(update)


def score_problems(enrollment: Enrollment, pre_test: Decimal | None, post_test: Decimal | None) -> list[str]:
    """Why these scores cannot be recorded for this participant ([] = they can)."""
    problems = []
    for label, score in ((_("Pre-test"), pre_test), (_("Post-test"), post_test)):
        if score is not None and not (0 <= score <= 100):
            problems.append(_("%(label)s must be between 0 and 100.") % {"label": label})
        elif score is not None and score.as_tuple().exponent < -2:
            problems.append(_("%(label)s has at most two decimals.") % {"label": label})
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        problems.append(_("%(name)s was withdrawn: no scores are recorded.") % {"name": enrollment.name})
    mark = enrollment.cohort.program.pass_mark
    if enrollment.status == Enrollment.Status.COMPLETED and mark is not None:
        if post_test is None or post_test < mark:
            problems.append(
                _("%(name)s has completed: the post-test cannot go below the pass mark %(mark)s.")
                % {"name": enrollment.name, "mark": score_text(mark)}
            )
    return problems


@transaction.atomic
def set_scores_many(
    *,
    cohort: Cohort,
    scores: Mapping[int, tuple[Decimal | None, Decimal | None]],
    by: User | None = None,
) -> int:
    """Record pre- and post-test scores for many participants of one cohort, all or nothing:
    {enrollment pk: (pre, post)}. A refused row raises ValidationError({pk: [reasons]}) naming
    every refused row; nothing is written then. Returns how many participants changed."""
    cohort = _locked(cohort)
    enrollments = {
        e.pk: e for e in cohort.enrollments.filter(pk__in=list(scores)).select_related("assistant", "board_member")
    }
    errors, changed = {}, []
    for pk, (pre_test, post_test) in scores.items():
        enrollment = enrollments.get(pk)
        if enrollment is None:
            errors[pk] = [_("Not a participant of this cohort.")]
            continue
        enrollment.cohort = cohort
        if (enrollment.pre_test, enrollment.post_test) == (pre_test, post_test):
            continue
        problems = score_problems(enrollment, pre_test, post_test)
        if problems:
            errors[pk] = problems
        enrollment.pre_test, enrollment.post_test = pre_test, post_test
        changed.append(enrollment)
    if errors:
        raise ValidationError(errors)
    bulk_update_with_history(changed, Enrollment, ["pre_test", "post_test"], default_user=by)
    return len(changed)


def set_scores(
    *,
    enrollment: Enrollment,
    pre_test: Decimal | None = None,
    post_test: Decimal | None = None,
    by: User | None = None,
) -> Enrollment:
    """One participant's scores (the participant page), through set_scores_many's rules."""
    try:
        set_scores_many(cohort=enrollment.cohort, scores={enrollment.pk: (pre_test, post_test)}, by=by)
    except ValidationError as error:
        raise ValidationError(error.message_dict[enrollment.pk]) from None
    enrollment.refresh_from_db(fields=["pre_test", "post_test"])
    return enrollment


def attendance_share(*, days_present: int, cohort_days: int) -> int:
    """Whole percent of cohort days attended (rounded down: 3 of 4 days is 75%)."""
    return (100 * days_present) // cohort_days if cohort_days else 0


def completion_problems(enrollment: Enrollment, *, days_present: int, cohort_days: int) -> list[str]:
    """[reasons] why an enrollment does not meet its program's rules ([] = it completes)."""
    program = enrollment.cohort.program
    problems = []
    share = attendance_share(days_present=days_present, cohort_days=cohort_days)
    if share < program.attendance_threshold:
        problems.append(
            _("%(name)s attended %(share)s%% of the days; %(needed)s%% is needed.")
            % {"name": enrollment.name, "share": share, "needed": program.attendance_threshold}
        )
    if program.pass_mark is not None:
        if enrollment.post_test is None:
            problems.append(_("%(name)s has no post-test score.") % {"name": enrollment.name})
        elif Decimal(enrollment.post_test) < program.pass_mark:
            problems.append(
                _("%(name)s scored %(score)s; the pass mark is %(mark)s.")
                % {
                    "name": enrollment.name,
                    "score": score_text(enrollment.post_test),
                    "mark": score_text(program.pass_mark),
                }
            )
    return problems


def _days_present(enrollments: Collection[Enrollment]) -> dict[int, int]:
    counts = dict(
        Attendance.objects.filter(enrollment__in=enrollments, present=True)
        .values("enrollment_id")
        .annotate(n=Count("pk"))
        .values_list("enrollment_id", "n")
    )
    return {e.pk: counts.get(e.pk, 0) for e in enrollments}


@transaction.atomic
def complete(*, enrollment: Enrollment, by: User | None = None) -> Enrollment:
    """Mark one participant as having completed; refuses (and says why) if the program's
    attendance threshold or post-test pass mark is not met."""
    cohort = _locked(enrollment.cohort)
    enrollment = Enrollment.objects.select_related("assistant", "board_member").get(pk=enrollment.pk)
    enrollment.cohort = cohort
    if enrollment.status not in (Enrollment.Status.REGISTERED, Enrollment.Status.NOT_COMPLETED):
        raise ValidationError(_("Only a registered participant can complete."))
    problems = completion_problems(
        enrollment, days_present=_days_present([enrollment])[enrollment.pk], cohort_days=len(cohort.days)
    )
    if problems:
        raise ValidationError(problems)
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.status_changed_by, enrollment.status_changed_at = by, timezone.now()
    enrollment._history_user = by
    enrollment.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    return enrollment


@dataclass
class CohortResult:
    completed: int = 0
    not_completed: int = 0


@transaction.atomic
def complete_cohort(*, cohort: Cohort, by: User | None = None, today: dt.date | None = None) -> CohortResult:
    """Close a cohort after its last day: every registered participant who meets the rules
    completes, everyone else is marked not completed (one pass, in bulk)."""
    cohort = _locked(cohort)
    today = today or timezone.localdate()
    if today < cohort.end_date:
        raise ValidationError(
            _("The cohort can be closed from its last day on (%(day)s).") % {"day": date_format(cohort.end_date)}
        )
    enrollments = list(
        cohort.enrollments.filter(status=Enrollment.Status.REGISTERED).select_related("assistant", "board_member")
    )
    present = _days_present(enrollments)
    now, result = timezone.now(), CohortResult()
    for enrollment in enrollments:
        enrollment.cohort = cohort
        ok = not completion_problems(enrollment, days_present=present[enrollment.pk], cohort_days=len(cohort.days))
        enrollment.status = Enrollment.Status.COMPLETED if ok else Enrollment.Status.NOT_COMPLETED
        enrollment.status_changed_by, enrollment.status_changed_at = by, now
        if ok:
            result.completed += 1
        else:
            result.not_completed += 1
    bulk_update_with_history(
        enrollments, Enrollment, ["status", "status_changed_by", "status_changed_at"], default_user=by, default_date=now
    )
    return result


def certificate_prefix(cohort: Cohort) -> str:
    """Numbers read like "15/P3-1/2025/0001": region, program and cohort, year, serial."""
    return f"{cohort.region_id}/P{cohort.program_id}-{cohort.number}/{cohort.end_date.year}/"


@transaction.atomic
def issue_certificates(
    *,
    cohort: Cohort,
    enrollments: Iterable[Enrollment] | None = None,
    date: dt.date | None = None,
    by: User | None = None,
) -> list[Enrollment]:
    """Give a numbered certificate to every completed participant (or the given ones) that has
    none yet. Numbers are unique, serial within the cohort, and only for completions."""
    cohort = _locked(cohort)
    prefix = certificate_prefix(cohort)
    wanted = (
        cohort.enrollments.all()
        if enrollments is None
        else cohort.enrollments.filter(pk__in=[e.pk for e in enrollments])
    )
    not_completed = wanted.exclude(status=Enrollment.Status.COMPLETED)
    if enrollments is not None and not_completed.exists():
        raise ValidationError(_("Certificates are issued only to participants who completed."))
    pending = list(wanted.filter(status=Enrollment.Status.COMPLETED, certificate_number="").order_by("region_id", "pk"))
    last = cohort.enrollments.filter(certificate_number__startswith=prefix).aggregate(m=Max("certificate_number"))["m"]
    serial = int(last.rsplit("/", 1)[1]) if last else 0
    date = date or timezone.localdate()
    for enrollment in pending:
        serial += 1
        enrollment.certificate_number = f"{prefix}{serial:04d}"
        enrollment.certificate_date = date
    bulk_update_with_history(pending, Enrollment, ["certificate_number", "certificate_date"], default_user=by)
    return pending


def issue_certificate(
    *, enrollment: Enrollment, date: dt.date | None = None, by: User | None = None
) -> Enrollment | None:
    """One participant's certificate (they must have completed)."""
    issued = issue_certificates(cohort=enrollment.cohort, enrollments=[enrollment], date=date, by=by)
    enrollment.refresh_from_db()
    return enrollment if issued or enrollment.certificate_number else None


def board_members_for(
    *, user: User, regencies: Iterable[Region | str] = (), positions: Iterable[str] = ()
) -> QuerySet[BoardMember]:
    """Current board members (term not ended) of cooperatives in the given regencies, in scope."""
    today = timezone.localdate()
    members = BoardMember.objects.for_user(user).filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
    if regencies:
        region_q = Q()
        for regency in regencies:
            region_q |= Q(cooperative__village__code__startswith=f"{getattr(regency, 'code', regency)}.")
        members = members.filter(region_q)
    if positions:
        members = members.filter(position__in=positions)
    return members.select_related("cooperative")


def assistants_for(*, user: User, roles: Iterable[str] = (), areas: Iterable[Region] = ()) -> QuerySet[Assistant]:
    """Active staff of the given roles working in the given areas (a province's own staff, or a
    regency's), in scope."""
    staff = Assistant.objects.for_user(user).active()
    if roles:
        staff = staff.filter(role__in=roles)
    if areas:
        staff = staff.filter(work_area__in=areas)
    return staff
