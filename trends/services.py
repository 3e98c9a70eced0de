"""Writing a month's snapshot: every cooperative's indicators on the month's last day, then the
district totals the trend pages read. One transaction: a month is either all there or as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import BooleanField, Case, Count, DateField, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from assistants.models import Assignment
from cooperatives.indicators import INDICATORS, simkopdes_active_q
from cooperatives.models import Cooperative
from reports.services import month_end, month_start, next_month
from reports.services import previous_month as _month_before

from .models import CooperativeMonth, DistrictMonth, Source

BATCH = 5000
# Recorded within this many days of the month's end, the figures without a date of their own
# (SIMKOPDES activity, land ready) are taken as they stand; later they are left empty.
KNOWN_NOW_DAYS = 7


def previous_month(day: dt.date) -> dt.date:
    """The month before the one `day` lies in (any day of it; reports' helper takes a month)."""
    return _month_before(month_start(day))


def _updated_as_of(last: dt.date):
    """simkopdes_updated_date as it stood at the end of `last` (Asia/Jakarta): the newest history
    record up to then, or the stored value when no record says otherwise."""
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    then = (
        Cooperative.history.filter(id=OuterRef("pk"), history_date__lt=end)
        .order_by("-history_date")
        .values("simkopdes_updated_date")[:1]
    )
    stored = Case(When(simkopdes_updated_date__lte=last, then=F("simkopdes_updated_date")), default=None)
    return Coalesce(Subquery(then), stored, output_field=DateField())


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=True), default=False, output_field=BooleanField())


def is_recorded(month: dt.date) -> bool:
    return DistrictMonth.objects.filter(month=month_start(month)).exists()


@transaction.atomic
def record_month(month: dt.date, *, force: bool = False, progress: Callable[[int, int], object] | None = None) -> int:
    """Write the snapshot of a month that has ended; returns the cooperatives recorded. Figures
    with a date of their own are computed as of the month's last day, so a month can be filled in
    later; the others only within KNOWN_NOW_DAYS of its end. A month recorded at its end is not
    written again later (its undated figures would be lost) unless `force`."""
    month = month_start(month)
    last = month_end(month)
    today = timezone.localdate()
    if last >= today:
        raise ValueError(_("A month is recorded once it has ended."))
    known_now = (today - last).days <= KNOWN_NOW_DAYS
    recorded_at_end = CooperativeMonth.objects.filter(month=month, source=Source.MONTH_END).exists()
    if recorded_at_end and not known_now and not force:
        raise ValueError(
            _("%(month)s was recorded at its end; writing it again now would lose its figures without a date.")
            % {"month": f"{month:%Y-%m}"}
        )
    keys = [i.key for i in INDICATORS if i.dated or known_now]
    active_ba = Assignment.objects.filter(cooperative=OuterRef("pk"), start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=last)
    )
    annotations = {"f_has_ba": Exists(active_ba)} | {
        f"f_{i.key}": _flag(i.q(last)) for i in INDICATORS if i.key in keys
    }
    if "simkopdes_active" in keys:
        # Recorded a few days late, the last update may be newer than the month: the value the
        # cooperative had at the month's end is in its history (seeded rows have none: their
        # stored value counts when it is not newer than the month).
        annotations["f_simkopdes_active"] = _flag(simkopdes_active_q(last, field="updated_then"))
    rows = (
        Cooperative.objects.order_by()
        .annotate(updated_then=_updated_as_of(last))
        .annotate(**annotations)
        .values_list("pk", "village_id", *annotations)
        .iterator(chunk_size=BATCH)
    )
    CooperativeMonth.objects.filter(month=month).delete()
    DistrictMonth.objects.filter(month=month).delete()
    source = Source.MONTH_END if known_now else Source.BACKFILL
    total = Cooperative.objects.count() if progress else 0
    batch, written = [], 0
    for pk, village, has_ba, *flags in rows:
        batch.append(
            CooperativeMonth(
                month=month,
                cooperative_id=pk,
                district_code=village[:8],
                source=source,
                has_ba=has_ba,
                **dict(zip(keys, flags, strict=True)),
            )
        )
        if len(batch) == BATCH:
            CooperativeMonth.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            if progress:
                progress(written, total)
    CooperativeMonth.objects.bulk_create(batch)
    written += len(batch)
    totals = (
        CooperativeMonth.objects.filter(month=month)
        .values("district_code")
        .annotate(
            n=Count("pk"),
            n_has_ba=Count("pk", filter=Q(has_ba=True)),
            **{f"n_{key}": Count("pk", filter=Q(**{key: True})) for key in keys},
        )
    )
    DistrictMonth.objects.bulk_create(
        [
            DistrictMonth(
                month=month,
                district_code=item["district_code"],
                cooperatives=item["n"],
                has_ba=item["n_has_ba"],
                **{key: item[f"n_{key}"] for key in keys},
            )
            for item in totals
        ],
        batch_size=BATCH,
    )
    if progress:
        progress(written, total)
    return written


def record_months(first: dt.date, last: dt.date, *, again: bool = False, **kwargs) -> list[tuple[dt.date, int]]:
    """Every month from `first` to `last` (both included) not yet recorded (all of them with
    `again`, except those recorded at their end), each in its own transaction."""
    done, month = [], month_start(first)
    while month <= month_start(last):
        recorded_at_end = CooperativeMonth.objects.filter(month=month, source=Source.MONTH_END).exists()
        if not is_recorded(month) or (again and not recorded_at_end):
            done.append((month, record_month(month, **kwargs)))
        month = next_month(month)
    return done
