"""Writes that carry rules: loading the Kemendagri region list, creating cooperatives, board seats."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import regions

from .models import BoardMember, Cooperative, Region

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


WILAYAH_DIR = Path(settings.BASE_DIR) / "fixtures" / "wilayah"
LEVEL_FILES = [
    (Region.Level.PROVINCE, "provinces.csv.gz"),
    (Region.Level.REGENCY, "regencies.csv.gz"),
    (Region.Level.DISTRICT, "districts.csv.gz"),
    (Region.Level.VILLAGE, "villages.csv.gz"),
]
BATCH = 5000


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def total(self, level: str) -> int:
        return self.created.get(level, 0) + self.updated.get(level, 0) + self.unchanged.get(level, 0)


def read_region_rows(level: str, directory: Path = WILAYAH_DIR) -> Iterator[dict[str, str]]:
    """Rows of one level's file as dicts (code, name, parent_code, kind)."""
    filename = dict(LEVEL_FILES)[level]
    with gzip.open(directory / filename, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _validate_row(level: str, row: dict[str, str], known_parents: Container[str], line: int) -> Region:
    code = (row.get("code") or "").strip()
    name = (row.get("name") or "").strip()
    parent = (row.get("parent_code") or "").strip() or None
    where = f"{dict(LEVEL_FILES)[level]}:{line} ({code or '?'})"
    if Region.level_of(code) != level:
        raise ValidationError(f"{where}: code is not a {level} code")
    if not name:
        raise ValidationError(f"{where}: name is empty")
    expected_parent = code.rpartition(".")[0] or None
    if parent != expected_parent:
        raise ValidationError(f"{where}: parent {parent} does not match the code")
    if parent is not None and parent not in known_parents:
        raise ValidationError(f"{where}: parent {parent} is unknown")
    kind = ""
    if level == Region.Level.VILLAGE:
        kind = Region.kind_of(code)
        if row.get("kind") and row["kind"] != kind:
            raise ValidationError(f"{where}: kind {row['kind']} does not match the code")
    return Region(code=code, name=name, level=level, parent_id=parent, kind=kind)


def load_regions(
    provinces: Iterable[str] | None = None,
    directory: Path = WILAYAH_DIR,
    progress: Callable[[str, int, int], object] | None = None,
) -> LoadReport:
    """Load (insert or update) the region list, all of it or only the given provinces.

    Idempotent: rows already equal are left alone. Every code and parent is validated before
    anything is written; a bad file writes nothing.
    """
    wanted = set(provinces) if provinces else None
    report = LoadReport()
    regions_by_level = []
    known = set()
    for level, _filename in LEVEL_FILES:
        rows = []
        for line, row in enumerate(read_region_rows(level, directory), start=2):
            code = (row.get("code") or "").strip()
            if wanted is not None and regions.province_of(code) not in wanted:
                continue
            rows.append(_validate_row(level, row, known, line))
        seen = set()
        for region in rows:
            if region.code in seen:
                raise ValidationError(f"duplicate code {region.code}")
            seen.add(region.code)
        known |= seen
        regions_by_level.append((level, rows))
    if wanted is not None:
        missing = wanted - {r.code for r in regions_by_level[0][1]}
        if missing:
            raise ValidationError(f"unknown province code(s): {', '.join(sorted(missing))}")

    with transaction.atomic():
        for level, rows in regions_by_level:
            existing = {
                code: (name, parent, kind)
                for code, name, parent, kind in Region.objects.filter(level=level).values_list(
                    "code", "name", "parent_id", "kind"
                )
            }
            new, changed = [], []
            for region in rows:
                old = existing.get(region.code)
                if old is None:
                    new.append(region)
                elif old != (region.name, region.parent_id, region.kind):
                    changed.append(region)
            for start in range(0, len(new), BATCH):
                Region.objects.bulk_create(new[start : start + BATCH])
                if progress:
                    progress(level, min(start + BATCH, len(new)), len(new))
            Region.objects.bulk_update(changed, ["name", "parent", "kind"], batch_size=BATCH)
            report.created[level] = len(new)
            report.updated[level] = len(changed)
            report.unchanged[level] = len(rows) - len(new) - len(changed)
    return report


def seats_held_twice(seats: Iterable[tuple[object, str, dt.date | None]]) -> set[tuple[object, str]]:
    """The single-holder rule over a whole set of seats at once (a file, an admin form with
    several rows): the (cooperative, position) pairs that more than one active holder would hold.
    `seats` are (cooperative key, position, term end)."""
    today = timezone.localdate()
    active = Counter(
        (cooperative, position)
        for cooperative, position, end in seats
        if position in BoardMember.SINGLE_HOLDER and (end is None or end >= today)
    )
    return {pair for pair, holders in active.items() if holders > 1}


@transaction.atomic
def save_board_member(member: BoardMember, *, by: User | None) -> BoardMember:
    """Add or change a board seat (the page, the admin). The cooperative row is locked first, so
    two staff adding a Ketua at once are served one after the other and the second is told the
    seat is taken (the open-term unique constraint is the database's backstop)."""
    Cooperative.objects.select_for_update().filter(pk=member.cooperative_id).values_list("pk", flat=True).first()
    member.clean()  # the single-holder check, now under the lock
    member._history_user = by
    member.save()
    return member


@transaction.atomic
def change_cooperative(
    cooperative_id: int, changes: Mapping[str, object], *, by: User | None, reason: str, reported: bool = False
) -> Cooperative:
    """The one write of a stored cooperative's fields (the progress page, the admin, an approved
    report): the row is locked and read fresh, only the fields that changed are set, so what a
    report or an import wrote meanwhile stays; the rules (Cooperative.clean) are checked on the
    result, and the change is kept in the history with who and why. `reported`: the changes are a
    BA's (dates and a percentage: the build's status follows, Cooperative.follow_reported_build)."""
    stored = Cooperative.objects.select_for_update().get(pk=cooperative_id)
    for name, value in changes.items():
        setattr(stored, name, value)
    if reported:
        stored.follow_reported_build()
    stored.full_clean(exclude=["village"], validate_unique=False)
    stored._history_user = by
    stored._change_reason = reason[:100]
    stored.save()
    return stored
