"""The "Impor data" page (province admins): upload, preview (every error, or the changes), then
confirm; the failed rows as a file; an xlsx template per kind.

The uploaded file is kept on disk between preview and confirm under a random token remembered in
the user's session, so a token cannot be used by anyone else; confirm validates again (the data
may have changed meanwhile) and writes all or nothing.
"""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.exports import file_response, xlsx_response
from core.views import PageMixin

from . import registry
from .forms import ImportForm
from .messages import message
from .models import ImportLog
from .services import import_file
from .template_file import template_sheets

PREVIEW_ROWS = 300
SESSION_KEY = "kdkmp_imports"
STALE_SECONDS = 24 * 3600


def upload_dir():
    path = Path(settings.KDKMP_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class ImportPermissionMixin(PageMixin):
    """Every import page: the province admins' right to import (anonymous → login, else 403)."""

    permission_required = "imports.run_import"


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
        kind = form.cleaned_data["kind"]
        # One byte over the limit is enough for the service to refuse (and log) a file too large.
        data = upload.read(settings.KDKMP_IMPORT_MAX_BYTES + 1)
        report = import_file(kind=kind, data=data, file_name=upload.name, user=request.user, dry_run=True)
        token = _remember(request, kind, upload.name, data, report)
        return render_preview(request, report, token)

    def page(self, form):
        logs = ImportLog.objects.filter(user=self.request.user)[:10]
        kinds = registry.choices()
        return render(self.request, self.template_name, {"form": form, "logs": logs, "kinds": kinds})


class ConfirmView(ImportPermissionMixin, View):
    def post(self, request, token):
        entry = request.session.get(SESSION_KEY, {}).get(token)
        if entry is None:
            raise Http404
        # A token is confirmed exactly once: the upload is claimed by an atomic rename, so a second
        # click (or a second tab) arriving meanwhile or later finds nothing to import.
        claimed = claim(_path(token))
        if claimed is None:
            messages.info(request, message("already_imported", file=entry["file_name"]))
            return redirect("imports:import")
        try:
            data = claimed.read_bytes()
            report = import_file(
                kind=entry["kind"], data=data, file_name=entry["file_name"], user=request.user, dry_run=False
            )
        finally:
            claimed.unlink(missing_ok=True)
        if not report.written:  # the same file under a new token: the old one is spent
            request.session[SESSION_KEY].pop(token, None)
            request.session.modified = True
            token = _remember(request, entry["kind"], entry["file_name"], data, report)
            return render_preview(request, report, token)
        _forget(request, token)
        counts = report.counts
        messages.success(
            request,
            _("Imported %(file)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {"file": entry["file_name"], **counts},
        )
        return redirect("imports:import")


class FailedRowsView(ImportPermissionMixin, View):
    def get(self, request, token):
        _recall(request, token)
        failed = _path(token, ".failed.xlsx")
        if not failed.exists():
            raise Http404
        return file_response(failed.read_bytes(), "xlsx", "baris-gagal")


class TemplateView(ImportPermissionMixin, View):
    def get(self, request, kind):
        if kind not in registry.KINDS:
            raise Http404
        return xlsx_response(template_sheets(registry.get(kind)), f"templat-{kind}.xlsx")


def render_preview(request, report, token):
    changes = [row for row in report.rows if row.action in ("new", "update")]
    return render(
        request,
        "imports/preview.html",
        {
            "report": report,
            "token": token,
            "counts": report.counts,
            "errors": report.errors[: PREVIEW_ROWS * 3],
            "more_errors": max(0, len(report.errors) - PREVIEW_ROWS * 3),
            "changes": changes[:PREVIEW_ROWS],
            "more_changes": max(0, len(changes) - PREVIEW_ROWS),
            "kind_label": registry.get(report.kind).label,
        },
    )


def _path(token, suffix=".upload"):
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    return upload_dir() / f"{token}{suffix}"


def _remember(request, kind, file_name, data, report):
    _sweep()
    token = secrets.token_urlsafe(16)
    _path(token).write_bytes(data)
    if report.errors:
        _path(token, ".failed.xlsx").write_bytes(report.failed_rows_dataset().export("xlsx"))
    entries = request.session.get(SESSION_KEY, {})
    entries[token] = {"kind": kind, "file_name": file_name}
    request.session[SESSION_KEY] = dict(list(entries.items())[-5:])
    return token


def _recall(request, token):
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or not _path(token).exists():
        raise Http404
    return entry


def claim(upload: Path) -> Path | None:
    """The upload renamed (atomically) to a name only this request knows, or None if another
    request took it first: a preview is confirmed exactly once, on the page and in the admin."""
    claimed = upload.with_name(f"{upload.name}.confirming-{secrets.token_hex(8)}")
    try:
        upload.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed


def _forget(request, token):
    # The entry stays (marked done), so a later click on the same confirm button is told the
    # file was imported, not shown a 404.
    entries = request.session.get(SESSION_KEY, {})
    if token in entries:
        entries[token] = {**entries[token], "done": True}
    request.session[SESSION_KEY] = entries
    for suffix in (".upload", ".failed.xlsx"):
        _path(token, suffix).unlink(missing_ok=True)


def _sweep():
    """Uploads never confirmed are removed after a day."""
    cutoff = time.time() - STALE_SECONDS
    for path in upload_dir().glob("*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
