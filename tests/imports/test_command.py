import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cooperatives.models import Cooperative
from imports.models import ImportLog
from tests.factories import VillageFactory
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, delimiter=";"))
    return str(path)


def test_dry_run_reports_and_writes_nothing(demo, tmp_path, capsys):
    village = VillageFactory()
    path = write(tmp_path, [["Kode Desa", "Jumlah Anggota"], [village.code, "45"]])
    call_command("import_roster", "cooperatives", path, "--dry-run")
    out = capsys.readouterr().out
    assert "1 rows, 1 new" in out and "dry run" in out
    assert not Cooperative.objects.filter(village=village).exists()
    assert ImportLog.objects.get().channel == "command"


def test_import_then_again_unchanged(demo, tmp_path, capsys):
    village = VillageFactory()
    path = write(tmp_path, [["Kode Desa", "Jumlah Anggota"], [village.code, "45"]])
    call_command("import_roster", "cooperatives", path)
    call_command("import_roster", "cooperatives", path)
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out
    assert Cooperative.objects.get(village=village).members_count == 45


def test_any_error_exits_non_zero_and_lists_rows(demo, tmp_path, capsys):
    village = VillageFactory()
    path = write(tmp_path, [["Kode Desa", "Jumlah Anggota"], [village.code, "45"], ["15.71.01.9999", "x"]])
    failed = tmp_path / "gagal.xlsx"
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", "cooperatives", path, "--failed-rows", str(failed))
    rows = list(load_workbook(failed).active.values)
    assert rows[1][0] == 3 and "Kesalahan" in rows[0]
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "baris 3" in err and "[unknown_village]" in err and "[bad_number]" in err
    assert not Cooperative.objects.filter(village=village).exists()


def test_user_option_scopes_the_import(demo, tmp_path, kerinci_cooperative, capsys):
    path = write(tmp_path, [["Kode Desa", "Jumlah Anggota"], [kerinci_cooperative.village_id, "45"]])
    with pytest.raises(CommandError):
        call_command("import_roster", "cooperatives", path, "--user", "staf.kotajambi")
    assert "[out_of_scope]" in capsys.readouterr().err


def test_file_problems_exit_2_with_their_message(demo, tmp_path, capsys):
    path = tmp_path / "rusak.csv"
    path.write_bytes(b"Kode Desa,Alamat\n" + b"15.71.01.1001,Jl. Pasar\n" * 300 + b"15.71.01.1002,Jl.\x00Pasar\n")
    before = Cooperative.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", "cooperatives", str(path))
    assert exc.value.returncode == 2
    assert "baris 302" in capsys.readouterr().err
    assert Cooperative.objects.count() == before
