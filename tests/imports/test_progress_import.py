"""The `progress` kind: the steps after formation from an office's spreadsheet, through the one
import path, with Cooperative.clean's rules as row errors and the import as the history's reason."""

import datetime as dt

import pytest

from accounts.models import User
from cooperatives.models import Cooperative
from imports.services import import_file
from tests.imports.files import error_codes, xlsx

pytestmark = pytest.mark.django_db
HEADER = [
    "Kode Desa",
    "Status Lahan",
    "Status Pembangunan Gerai",
    "Tanggal Mulai Pembangunan",
    "Progres Pembangunan (%)",
    "Tanggal Pembaruan SIMKOPDES",
    "Plafon Diajukan",
]


def _fresh(cooperative):
    """Clear the build so each row below starts from "no land yet"."""
    Cooperative.objects.filter(pk=cooperative.pk).update(
        land_status="none",
        construction_status="not_started",
        construction_started_date=None,
        construction_percent=None,
        construction_finished_date=None,
        outlet_operating_date=None,
    )


def test_progress_rows_update_the_cooperative_with_history(demo, kota_jambi_cooperative):
    _fresh(kota_jambi_cooperative)
    user = User.objects.get(username="admin.provinsi")
    updated = (kota_jambi_cooperative.simkopdes_date or dt.date(2025, 8, 1)).strftime("%d/%m/%Y")
    if not kota_jambi_cooperative.simkopdes_date:
        Cooperative.objects.filter(pk=kota_jambi_cooperative.pk).update(simkopdes_date=dt.date(2025, 8, 1))
    rows = [HEADER, [kota_jambi_cooperative.village_id, "Siap", "dibangun", "03/11/2025", "40%", updated, ""]]
    before = Cooperative.objects.values_list("updated_at", flat=True).get(pk=kota_jambi_cooperative.pk)
    report = import_file(kind="progress", data=xlsx(rows), file_name="kemajuan.xlsx", user=user, dry_run=False)
    assert report.written, report.errors
    kota_jambi_cooperative.refresh_from_db()
    assert kota_jambi_cooperative.updated_at > before  # auto_now, which bulk statements skip
    assert kota_jambi_cooperative.land_status == "ready"
    assert kota_jambi_cooperative.construction_status == "started"
    assert kota_jambi_cooperative.construction_percent == 40
    record = kota_jambi_cooperative.history.first()
    assert record.history_change_reason == "Diimpor dengan berkas kemajuan"
    assert record.history_user == user


def test_progress_rules_are_row_errors_and_nothing_is_written(demo, kota_jambi_cooperative, kerinci_cooperative):
    _fresh(kota_jambi_cooperative)
    user = User.objects.get(username="admin.provinsi")
    other = Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village")[1]
    rows = [
        HEADER,
        # construction without the land ready
        [kota_jambi_cooperative.village_id, "diusulkan", "dibangun", "03/11/2025", "10", "", ""],
        # a ceiling above Rp 3 billion
        [kerinci_cooperative.village_id, "siap", "", "", "", "", "Rp 4.000.000.000"],
        [other.village_id, "entah", "", "", "", "", ""],  # a status nobody uses
        ["15.71.01.9999", "siap", "", "", "", "", ""],
    ]
    report = import_file(kind="progress", data=xlsx(rows), file_name="kemajuan.xlsx", user=user, dry_run=False)
    assert not report.written
    codes = {code for _row, code in error_codes(report)}
    assert "invalid" in codes and "bad_choice" in codes and "unknown_village" in codes
    messages = " ".join(e.message for row in report.rows for e in row.errors)
    assert "lahan yang siap" in messages
    assert "Rp 3 miliar" in messages
    kota_jambi_cooperative.refresh_from_db()
    assert kota_jambi_cooperative.land_status == "none"
