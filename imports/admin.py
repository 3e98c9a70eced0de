import logging
import re
import secrets

import tablib
from django.contrib import admin, messages
from django.shortcuts import redirect
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import BaseStorage

from core.scoping import scope_q

from . import reading
from .messages import FileError, message
from .models import ImportLog

logger = logging.getLogger(__name__)


class RosterFormatMixin:
    """The admin reads uploads with imports.reading, like the page and the command: sniffing,
    size/row/zip-bomb limits, Windows-1252 and semicolon csv, the fast xlsx reader. The first
    row becomes the dataset's headers only nominally: BulkResource.import_data looks for the
    real header row itself."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode() if isinstance(in_stream, str) else in_stream
        grid = reading.read_grid(data)
        if len(grid) < 2:  # a header and no row: said here, before the library's English "No valid data"
            raise FileError("empty_file")
        width = max(len(row) for row in grid)
        pad = lambda row: list(row) + [None] * (width - len(row))  # noqa: E731
        dataset = tablib.Dataset(headers=pad(grid[0]))
        for row in grid[1:]:
            dataset.append(pad(row))
        return dataset


class RosterXLSX(RosterFormatMixin, XLSX):
    pass


class RosterCSV(RosterFormatMixin, CSV):
    pass


class UploadGone(Exception):
    """The upload to confirm was already taken (confirmed) or never was one of ours."""


class ClaimOnceStorage(BaseStorage):
    """Where the admin keeps an upload between preview and confirm. django-import-export's
    default writes to the shared temp folder under a name the confirm form posts back, and reads
    (then deletes) whatever file that name points to there; a second click imported the file
    again or failed with a 500. Here the file lives in the import folder under a random name of
    our own shape, and the confirm claims it by an atomic rename: it is imported exactly once."""

    NAME = re.compile(r"admin-[A-Za-z0-9_-]{16,64}\.upload")

    def save(self, data):
        from .views import upload_dir

        self.name = f"admin-{secrets.token_urlsafe(16)}.upload"
        (upload_dir() / self.name).write_bytes(data)
        self.saved = data  # the preview reads back what it just saved

    def read(self):
        from .views import claim, upload_dir

        if getattr(self, "saved", None) is not None:
            return self.saved
        if not self.NAME.fullmatch(self.name or ""):
            raise UploadGone
        self.claimed = claim(upload_dir() / self.name)
        if self.claimed is None:
            raise UploadGone
        return self.claimed.read_bytes()

    def remove(self):
        if getattr(self, "claimed", None):
            self.claimed.unlink(missing_ok=True)


class RosterAdminMixin:
    """django-import-export in a ModelAdmin, on the shared import path: resources get the
    requesting user (so imports and exports are scoped), and only holders of
    imports.run_import may import."""

    import_formats = [RosterXLSX, RosterCSV]
    export_formats = [XLSX, CSV]
    skip_admin_log = True  # every import is in ImportLog instead
    tmp_storage_class = ClaimOnceStorage

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except UploadGone:
            name = request.POST.get("original_file_name", "")[:200]
            messages.info(request, message("already_imported", file=name))
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def add_data_read_fail_error_to_form(self, form, exc):
        if isinstance(exc, FileError):
            form.add_error("import_file", str(exc))  # the Indonesian message, not the class name
        else:  # reading raises FileError for every file problem; anything else is still the file's
            logger.warning("admin import could not read a file", exc_info=exc)
            form.add_error("import_file", message("not_a_spreadsheet"))

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_import_permission(self, request):
        return request.user.has_perm("imports.run_import")


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "kind",
        "channel",
        "file_name",
        "outcome",
        "rows",
        "new",
        "updated",
        "unchanged",
        "errors",
    )
    list_filter = ("kind", "channel", "outcome")
    search_fields = ("file_name", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        """Logs of users inside one's own scope (command-line logs, without a user: superusers)."""
        return super().get_queryset(request).filter(scope_q(request.user, "user__scope_region__code"))
