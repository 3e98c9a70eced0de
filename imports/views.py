"""The "Impor data" page (province admins): upload, preview (every error, or the changes), then
confirm; the failed rows as a file; an xlsx template per kind.

Each upload is a job (jobs.models.Job, see imports/jobs.py): the file is kept in the storage
backend between preview and confirm, under the job's random id, and only its user reaches it.
A file above KDKMP_IMPORT_BACKGROUND_BYTES is checked and written by a worker while the job's
page shows progress; a smaller one inside the request. Confirm validates again (the data may
have changed meanwhile) and writes all or nothing, once however many clicks arrive.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.exports import file_response, xlsx_response
from core.views import PageMixin
from jobs import services as job_services
from jobs.models import Job
from jobs.views import own_job, progress_text

from . import registry
from .forms import ImportForm
from .jobs import KIND, preview_of
from .messages import message
from .models import ImportLog
from .template_file import template_sheets


class ImportPermissionMixin(PageMixin):
    """Every import page: the province admins' right to import (anonymous → login, else 403)."""

    permission_required = "imports.run_import"


def import_job(request, token) -> Job:
    """The user's own import job with this token (404 otherwise)."""
    job = own_job(request, token)
    if job.kind != KIND:
        raise Http404
    return job


class ImportView(ImportPermissionMixin, View):
    template_name = "imports/import.html"

    def get(self, request):
        kind = request.GET.get("jenis")  # from the admin's Import button
        return self.page(ImportForm(initial={"kind": kind} if kind in registry.KINDS else None))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        # One byte over the limit is enough for the service to refuse (and log) a file too large.
        data = upload.read(settings.KDKMP_IMPORT_MAX_BYTES + 1)
        job = job_services.create(
            user=request.user,
            kind=KIND,
            label=upload.name,
            params={"kind": form.cleaned_data["kind"]},
            step="check",
            input_name=upload.name,
            input_bytes=data,
            background=settings.KDKMP_IMPORT_BACKGROUND_BYTES < len(data) <= settings.KDKMP_IMPORT_MAX_BYTES,
        )
        job_services.start(job)
        if job.background:
            return redirect("imports:job", job.pk)
        return job_page(request, job)

    def page(self, form):
        logs = ImportLog.objects.filter(user=self.request.user)[:10]
        jobs = job_services.recent(self.request.user, KIND)
        kinds = registry.choices()
        context = {"form": form, "logs": logs, "jobs": jobs, "kinds": kinds}
        return render(self.request, self.template_name, context)


class JobView(ImportPermissionMixin, View):
    """One upload: its progress while a worker runs it, then its preview or its outcome. The
    user's recent jobs on the import page link here, so closing the browser loses nothing."""

    def get(self, request, token):
        return job_page(request, import_job(request, token))


class ConfirmView(ImportPermissionMixin, View):
    def post(self, request, token):
        job = import_job(request, token)
        preview = preview_of(job)
        # A job is confirmed exactly once: queue_step is an atomic READY → QUEUED update, so a
        # second click (or a second tab) arriving meanwhile or later finds nothing to import.
        if job.step != "write" and (preview is None or not preview.confirmable):
            return redirect("imports:job", job.pk)  # nothing confirmable was shown
        if job.step == "write" or not job_services.queue_step(job, "write"):
            messages.info(request, message("already_imported", file=job.label))
            return redirect("imports:import")
        job_services.start(job)
        if job.status == Job.Status.DONE and not job.background:
            counts = preview_of(job).counts
            messages.success(
                request,
                _("Imported %(file)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
                % {"file": job.label, **counts},
            )
            return redirect("imports:import")
        if job.background:
            return redirect("imports:job", job.pk)
        return job_page(request, job)


class FailedRowsView(ImportPermissionMixin, View):
    def get(self, request, token):
        job = import_job(request, token)
        if not job.output_file or job.active:
            raise Http404
        with job.output_file.open("rb") as failed:
            return file_response(failed.read(), "xlsx", "baris-gagal")


class TemplateView(ImportPermissionMixin, View):
    def get(self, request, kind):
        if kind not in registry.KINDS:
            raise Http404
        return xlsx_response(template_sheets(registry.get(kind)), f"templat-{kind}.xlsx")


def job_page(request, job: Job):
    """Progress, preview or outcome, by the job's state."""
    preview = preview_of(job)
    context = {"job": job, "token": str(job.pk), "kind_label": registry.get(job.params["kind"]).label}
    if job.active:
        return render(request, "imports/job.html", {**context, "progress_text": progress_text(job)})
    if job.status == Job.Status.FAILED or preview is None:
        return render(request, "imports/job.html", {**context, "failure": job_services.failure_text(job)})
    return render(
        request,
        "imports/preview.html",
        {
            **context,
            "report": preview,
            "counts": preview.counts,
            "errors": preview.errors,
            "more_errors": preview.more_errors,
            "changes": preview.changes,
            "more_changes": preview.more_changes,
            "imported": job.status == Job.Status.DONE,
        },
    )
