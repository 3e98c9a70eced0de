from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One import attempt (a preview, a confirmed import, or a refused file), whichever way in."""

    class Outcome(models.TextChoices):
        PREVIEWED = "previewed", _("previewed (nothing written)")
        IMPORTED = "imported", _("imported")
        REJECTED = "rejected", _("rejected: rows with errors, nothing written")
        REFUSED = "refused", _("refused: file unreadable or columns missing")

    class Channel(models.TextChoices):
        PAGE = "page", _("import page")
        ADMIN = "admin", _("Django admin")
        COMMAND = "command", _("command line")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PAGE)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")
        permissions = [("run_import", _("Can import rosters from spreadsheets"))]

    def __str__(self):
        return f"{self.kind} {self.file_name} ({self.get_outcome_display()})"
