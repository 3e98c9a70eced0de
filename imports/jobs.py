"""An import as a job: step "check" validates the stored upload (the preview), step "write"
validates again and writes all or nothing (the confirm). The same runner serves a small file
inside the request and a large one in a worker (jobs.services.run), so both end with the same
preview, errors, confirm and failed-rows file."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from jobs import services as job_services
from jobs.models import Job

from .models import ImportLog
from .resources import ImportReport
from .services import import_file

if TYPE_CHECKING:
    from jobs.services import Progress

logger = logging.getLogger(__name__)
KIND = "import"
PREVIEW_ROWS = 300  # changes shown on the page; errors: three times as many


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message: str


@dataclass
class Change:
    number: int
    action: str
    label: str
    diff: dict[str, list[str]]


@dataclass
class Preview:
    """What the preview page shows of an import, kept in the job (JSON) between requests."""

    kind: str
    file_name: str
    counts: dict[str, int]
    ok: bool
    written: bool = False
    file_errors: list[list[str]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    changes: list[Change] = field(default_factory=list)
    more_changes: int = 0

    @property
    def confirmable(self) -> bool:
        return self.ok and not self.written and bool(self.counts.get("new") or self.counts.get("updated"))

    @classmethod
    def from_report(cls, report: ImportReport) -> Preview:
        errors = report.errors
        changes = [row for row in report.rows if row.action in ("new", "update")]
        return cls(
            kind=report.kind,
            file_name=report.file_name,
            counts=report.counts,
            ok=report.ok,
            written=report.written,
            file_errors=[[code, str(text)] for code, text in report.file_errors],
            unknown_columns=[str(c) for c in report.unknown_columns],
            errors=[
                RowError(row=e.row, column=str(e.column or ""), code=e.code, message=str(e.message))
                for e in errors[: PREVIEW_ROWS * 3]
            ],
            more_errors=max(0, len(errors) - PREVIEW_ROWS * 3),
            changes=[
                Change(
                    number=row.number,
                    action=row.action,
                    label=str(row.label),
                    diff={str(col): [str(old), str(new)] for col, (old, new) in row.diff.items()},
                )
                for row in changes[:PREVIEW_ROWS]
            ],
            more_changes=max(0, len(changes) - PREVIEW_ROWS),
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        data = dict(data)
        data["errors"] = [RowError(**e) for e in data.get("errors", [])]
        data["changes"] = [Change(**c) for c in data.get("changes", [])]
        return cls(**data)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def preview_of(job: Job) -> Preview | None:
    return Preview.from_json(job.result) if job.result else None


def run(job: Job, progress: Progress) -> str:
    """The runner of import jobs (registered in ImportsConfig.ready)."""
    if not job.user.is_active or not job.user.has_perm("imports.run_import"):
        raise PermissionDenied  # the right was taken away since the upload
    progress("read", 0, 0)
    with job.input_file.open("rb") as upload:
        data = upload.read()
    report = import_file(
        kind=job.params["kind"],
        data=data,
        file_name=job.label,
        user=job.user,
        dry_run=job.step != "write",
        channel=job.params.get("channel", ImportLog.Channel.PAGE),
        progress=progress,
    )
    del data
    if report.errors:
        job_services.save_output(job, "baris-gagal.xlsx", report.failed_rows_dataset().export("xlsx"))
    elif job.output_file:
        job.output_file.delete(save=False)
    job.result = Preview.from_report(report).as_json()
    if report.written:
        try:
            job.input_file.delete(save=False)  # imported: the upload is spent
        except OSError:  # the data is committed; the file goes with the job later
            logger.warning("job %s: upload not removed", job.pk, exc_info=True)
        return Job.Status.DONE
    job.step = "check"  # refused at the write (data changed meanwhile): a preview again
    return Job.Status.READY
