"""A job's progress as JSON (polled by the page every second or two) and its output file.
Only the job's own user reaches either; any other id is a 404."""

import uuid

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import registry, services
from .models import Job

PHASES = {
    "read": gettext_lazy("Reading the file"),
    "validate": gettext_lazy("Checking rows"),
    "write": gettext_lazy("Saving"),
    "export": gettext_lazy("Writing the file"),
}


def own_job(request, token: str) -> Job:
    """The one scoping of jobs: the requesting user's own job with this id, or 404."""
    try:
        pk = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    job = Job.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    return services.refreshed(job)


def progress_text(job: Job) -> str:
    if job.status == Job.Status.QUEUED:
        waited = (timezone.now() - job.created_at).total_seconds() if job.created_at else 0
        if waited > settings.KDKMP_JOB_STALE_SECONDS:  # no worker is taking jobs: say so
            return _("Still waiting: no server worker has taken this job yet. Please tell the administrator.")
        return _("Waiting for a worker…")
    if job.status != Job.Status.RUNNING:
        return job.get_status_display()
    phase = str(PHASES.get(job.phase or "read", PHASES["write"]))  # a kind's own phase names: "saving"
    if not job.total:
        return f"{phase}…"
    return _("%(phase)s: %(done)s of %(total)s (%(percent)s%%)") % {
        "phase": phase,
        "done": number_format(job.done, force_grouping=True),
        "total": number_format(job.total, force_grouping=True),
        "percent": job.percent,
    }


class ProgressView(LoginRequiredMixin, View):
    def get(self, request, token):
        job = own_job(request, token)
        response = JsonResponse(
            {
                "status": job.status,
                "active": job.active,
                "phase": job.phase,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "text": progress_text(job),
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class DownloadView(LoginRequiredMixin, View):
    def get(self, request, token):
        job = own_job(request, token)
        if not job.output_file or job.status != Job.Status.DONE:
            raise Http404
        name = job.params.get("download_name") or job.output_file.name.rsplit("/", 1)[-1]
        return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)


class JobListView(LoginRequiredMixin, View):
    """The user's own recent jobs, whatever their kind: closing the browser loses none."""

    def get(self, request):
        context = {"jobs": services.recent(request.user, limit=20), "keep_hours": settings.KDKMP_JOB_KEEP_HOURS}
        return render(request, "jobs/list.html", context)


class JobDetailView(LoginRequiredMixin, View):
    """A job's page: its progress while it runs, then its download or why it failed. A kind with
    a page of its own (an import's preview and confirm) is sent there."""

    def get(self, request, token):
        job = own_job(request, token)
        if page := registry.page(job.kind):
            return redirect(page, job.pk)
        back = job.params.get("back", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = ""
        context = {"job": job, "back": back, "progress_text": progress_text(job)}
        if job.status == Job.Status.FAILED:
            context["failure"] = services.failure_text(job)
        return render(request, "jobs/detail.html", context)
