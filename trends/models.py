"""Monthly snapshots of what happens after formation.

Each month's figures are written once the month has ended (services.record_month, run on the
first of the month by `manage.py record_month`): a figure shown to the governor for October stays
what it was, even when a date is corrected later, and a trend reads a fixed number of rows. See
docs/decisions/ for the choice against computing trends from the history on every view.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative


class Source(models.TextChoices):
    MONTH_END = "month_end", _("recorded at the month's end")
    BACKFILL = "backfill", _("filled in later from the dated facts")


class CooperativeMonth(models.Model):
    """One cooperative's indicators on the last day of a month (cooperatives.indicators). A figure
    without a date of its own (SIMKOPDES activity, land ready) is known only when recorded at the
    month's end; filled in later it stays empty (no data)."""

    month = models.DateField(_("month"))  # its first day
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="months")
    district_code = models.CharField(_("district"), max_length=8)  # the trend groups without a join
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    has_ba = models.BooleanField(_("with an active BA"))
    legal_entity = models.BooleanField(null=True)
    simkopdes_account = models.BooleanField(null=True)
    simkopdes_active = models.BooleanField(null=True)
    land_ready = models.BooleanField(null=True)
    under_construction = models.BooleanField(null=True)
    construction_finished = models.BooleanField(null=True)
    outlet_operating = models.BooleanField(null=True)
    loan_proposed = models.BooleanField(null=True)
    loan_submitted = models.BooleanField(null=True)
    loan_disbursed = models.BooleanField(null=True)
    partnership_active = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("cooperative month")
        verbose_name_plural = _("cooperative months")
        constraints = [models.UniqueConstraint(fields=["month", "cooperative"], name="one_snapshot_per_month")]
        indexes = [models.Index(fields=["month", "district_code"])]

    def __str__(self):
        return f"{self.cooperative_id} {self.month:%Y-%m}"


class DistrictMonth(models.Model):
    """The district totals of a month's CooperativeMonth rows, written with them: the rows every
    trend reads (7,285 districts a month nationally instead of 83,762 cooperatives). A count is
    empty (no data) when the month's figure was not known for every cooperative."""

    month = models.DateField(_("month"))
    district_code = models.CharField(_("district"), max_length=8)
    cooperatives = models.PositiveIntegerField(_("cooperatives"))
    has_ba = models.PositiveIntegerField(_("with an active BA"))
    legal_entity = models.PositiveIntegerField(null=True)
    simkopdes_account = models.PositiveIntegerField(null=True)
    simkopdes_active = models.PositiveIntegerField(null=True)
    land_ready = models.PositiveIntegerField(null=True)
    under_construction = models.PositiveIntegerField(null=True)
    construction_finished = models.PositiveIntegerField(null=True)
    outlet_operating = models.PositiveIntegerField(null=True)
    loan_proposed = models.PositiveIntegerField(null=True)
    loan_submitted = models.PositiveIntegerField(null=True)
    loan_disbursed = models.PositiveIntegerField(null=True)
    partnership_active = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("district month")
        verbose_name_plural = _("district months")
        constraints = [models.UniqueConstraint(fields=["month", "district_code"], name="one_district_total_per_month")]
        indexes = [models.Index(fields=["district_code", "month"])]

    def __str__(self):
        return f"{self.district_code} {self.month:%Y-%m}"
