"""What happens after formation, counted one way everywhere.

Each indicator is a condition on a cooperative as of a day. The dashboard counts it for today,
the monthly snapshot (trends app) stores it for each month's last day, the map colours by it and
the cooperative list filters by it (`?indikator=<key>`), so the number on a card, a map region,
a trend point and the list behind them is one query's answer. The "how it is counted" text is
shown beside the figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import SIMKOPDES_ACTIVE_DAYS, BoardMember, BuildStatus, LandStatus, Partnership


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    how_counted: str
    condition: Callable[[dt.date], Q]  # on Cooperative, as of the day given
    dated: bool = True  # False: known only as of now (a status without a date); see trends

    def q(self, day: dt.date) -> Q:
        return self.condition(day)


def _on_or_before(field: str) -> Callable[[dt.date], Q]:
    return lambda day: Q(**{f"{field}__lte": day})


def simkopdes_active_q(day: dt.date, field: str = "simkopdes_updated_date") -> Q:
    """Updated in the SIMKOPDES_ACTIVE_DAYS days up to the day (the snapshot passes the value the
    cooperative had then)."""
    since = day - dt.timedelta(days=SIMKOPDES_ACTIVE_DAYS - 1)
    return Q(**{f"{field}__gte": since, f"{field}__lte": day})


def _under_construction(day: dt.date) -> Q:
    return Q(construction_started_date__lte=day) & (
        Q(construction_finished_date__isnull=True) | Q(construction_finished_date__gt=day)
    )


def _partnership_active(day: dt.date) -> Q:
    running = Partnership.objects.filter(started_on__lte=day).exclude(status=Partnership.Status.PLANNED)
    running = running.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    return Q(pk__in=running.values("cooperative_id"))


INDICATORS = [
    Indicator(
        "legal_entity",
        _("Legal entity"),
        _("Cooperatives whose legal entity (AHU) was approved on or before the day."),
        _on_or_before("legal_entity_date"),
    ),
    Indicator(
        "simkopdes_account",
        _("SIMKOPDES account"),
        _("Cooperatives with a SIMKOPDES account opened on or before the day."),
        _on_or_before("simkopdes_date"),
    ),
    Indicator(
        "simkopdes_active",
        _("SIMKOPDES actively updated"),
        _("Cooperatives whose SIMKOPDES data was last updated in the 30 days up to the day."),
        simkopdes_active_q,
        dated=False,
    ),
    Indicator(
        "land_ready",
        _("Outlet land ready"),
        _("Cooperatives whose outlet land is marked ready (status now; no date is kept)."),
        lambda day: Q(land_status=LandStatus.READY),
        dated=False,
    ),
    Indicator(
        "under_construction",
        _("Outlet under construction"),
        _("Cooperatives whose outlet construction started on or before the day and had not finished."),
        _under_construction,
    ),
    Indicator(
        "construction_finished",
        _("Outlet built"),
        _("Cooperatives whose outlet construction finished on or before the day."),
        lambda day: Q(construction_finished_date__lte=day, construction_status=BuildStatus.FINISHED),
    ),
    Indicator(
        "outlet_operating",
        _("Outlet operating"),
        _("Cooperatives whose outlet operates since a day on or before the day."),
        _on_or_before("outlet_operating_date"),
    ),
    Indicator(
        "loan_proposed",
        _("Loan proposal"),
        _("Cooperatives with a business plan and loan proposal dated on or before the day."),
        _on_or_before("loan_proposal_date"),
    ),
    Indicator(
        "loan_submitted",
        _("Loan submitted to a bank"),
        _("Cooperatives whose loan proposal reached a Himbara bank on or before the day."),
        _on_or_before("bank_submitted_date"),
    ),
    Indicator(
        "loan_disbursed",
        _("Loan disbursed"),
        _("Cooperatives whose Himbara loan was disbursed on or before the day."),
        _on_or_before("loan_disbursed_date"),
    ),
    Indicator(
        "partnership_active",
        _("With an active partnership"),
        _("Cooperatives with a partnership (supply, offtake, agency, MBG kitchen...) running on the day."),
        _partnership_active,
    ),
]


def _board_trained(day: dt.date) -> Q:
    # trainings.Enrollment through its relation name: cooperatives sits below trainings. Board
    # members only ever enrol in board programs; "completed" is Enrollment.Status.COMPLETED.
    # A set hashed once (pk IN ...), not a subquery per cooperative: the national dashboard counts it.
    return Q(pk__in=BoardMember.objects.filter(enrollments__status="completed").values("cooperative_id"))


# Not a step after formation (no snapshot, not on the "after formation" card): the dashboard's
# training card, the coverage page's "at least one" column and the list behind both.
BOARD_TRAINED = Indicator(
    "board_trained",
    _("At least one board member trained"),
    _("Cooperatives with at least one board member, of any position, who completed a board training."),
    _board_trained,
    dated=False,
)
LIST_FIGURES = [*INDICATORS, BOARD_TRAINED]
BY_KEY = {indicator.key: indicator for indicator in LIST_FIGURES}
