"""What every list page shares: a scoped queryset, a FilterSet built for the user, a paginated
table, and the same filtered rows as an xlsx/csv export (a job above a size, see below)."""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.exports import CONTENT_TYPES, dated_name, export_response, write_export
from jobs import services as job_services
from jobs.models import Job

if TYPE_CHECKING:
    from jobs.services import Progress

EXPORT_JOB = "export"
MAX_ACTIVE_EXPORTS = 3  # per user: links followed again and again cannot fill the workers' queue


class ListPageMixin(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"user": self.request.user}

    def get_table_pagination(self, table):
        return {"per_page": settings.KDKMP_PAGE_SIZE}


class ListExportMixin:
    """On a list page's view: its filtered rows (same FilterSet, same scope) as xlsx or csv; NIKs
    masked unless the user may see them in full. Above KDKMP_EXPORT_BACKGROUND_ROWS rows the
    file is written by a worker (a job) and the user is sent to the job's page, which shows
    progress and then the download: no request runs for minutes, past a proxy's timeout."""

    resource_class = None
    export_name = None  # the file name, without extension

    def export_rows(self):
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
        resource = self.resource_class(user=self.request.user)
        resource.mask_nik = not self.request.user.has_perm("cooperatives.view_full_nik")
        return resource, rows

    def get(self, request, *args, fmt, **kwargs):
        if fmt not in CONTENT_TYPES:
            raise Http404
        resource, rows = self.export_rows()
        if rows.count() <= settings.KDKMP_EXPORT_BACKGROUND_ROWS:
            return export_response(resource, rows, fmt, self.export_name)
        view_path = f"{type(self).__module__}.{type(self).__qualname__}"
        query = request.GET.urlencode()
        mine = Job.objects.filter(user=request.user, kind=EXPORT_JOB, status__in=Job.ACTIVE)
        # A reload (or a second click) while the same export is being written: the same job.
        same = mine.filter(params__view=view_path, params__query=query, params__fmt=fmt).first()
        if same is not None:
            return redirect("jobs:detail", same.pk)
        if mine.count() >= MAX_ACTIVE_EXPORTS:
            messages.warning(request, _("Wait for your exports in progress to finish before starting another."))
            return redirect("jobs:list")
        name = f"{dated_name(self.export_name)}.{fmt}"
        job = job_services.create(
            user=request.user,
            kind=EXPORT_JOB,
            label=name,
            params={
                "view": view_path,
                "query": query,
                "fmt": fmt,
                "kwargs": kwargs,
                "language": translation.get_language(),
                "download_name": name,
                "back": request.META.get("HTTP_REFERER", "")[:500],
            },
            background=True,
        )
        job_services.start(job)
        return redirect("jobs:detail", job.pk)


def run_export_job(job: Job, progress: Progress) -> str:
    """The runner of export jobs (registered in CoreConfig.ready): the list view rebuilt for the
    job's user and filters, its rows written to a temporary file, then into the storage backend."""
    view_class = import_string(job.params["view"])
    if not issubclass(view_class, ListExportMixin):  # only list exports, whatever the row says
        raise TypeError(job.params["view"])
    request = HttpRequest()
    request.method = "GET"
    request.user = job.user
    request.GET = QueryDict(job.params.get("query", ""))
    view = view_class()
    view.setup(request, fmt=job.params["fmt"], **job.params.get("kwargs", {}))
    if not view.has_permission():  # the right may have been taken away since the job was queued
        raise PermissionDenied
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        resource, rows = view.export_rows()
        with tempfile.TemporaryFile() as out:
            written = write_export(resource, rows, job.params["fmt"], out, progress)
            out.seek(0)
            job_services.save_output(job, job.params["download_name"], File(out))
    job.result = {"rows": written}
    return Job.Status.DONE
