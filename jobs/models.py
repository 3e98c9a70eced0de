import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of long work for one user: an import (checked, then written on confirm) or an
    export. Its id is the token in its URLs; only its user sees it. The uploaded file and the file
    produced live in the storage backend (STORAGES["default"]), never in a process's folder, so
    any app server and any worker can read them."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("running")
        READY = "ready", _("checked, waiting for confirmation")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("kind"), max_length=20)
    step = models.CharField(_("step"), max_length=20, blank=True)  # an import: "check", then "write"
    label = models.CharField(_("label"), max_length=255, blank=True)  # what the user sees, e.g. the file name
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    input_file = models.FileField(upload_to="jobs/in/%Y/%m/", blank=True, max_length=255)
    output_file = models.FileField(upload_to="jobs/out/%Y/%m/", blank=True, max_length=255)
    result = models.JSONField(_("result"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    background = models.BooleanField(default=False)  # run by a worker (False: inside the request)
    runs = models.PositiveSmallIntegerField(default=0)  # steps started: each step runs once
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="job_user_kind_recent")]

    def __str__(self):
        return f"{self.kind} {self.label} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.READY):
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0
