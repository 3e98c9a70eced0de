import gzip
import shutil
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cooperatives.models import Region
from cooperatives.services import WILAYAH_DIR, load_regions

pytestmark = pytest.mark.django_db


def jambi(level, **filters):
    return Region.objects.filter(level=level, code__startswith="15", **filters)


def test_jambi_has_the_official_counts(demo):
    assert jambi(Region.Level.PROVINCE).count() == 1
    regencies = list(jambi(Region.Level.REGENCY))
    assert len(regencies) == 11
    assert sum(not r.is_kota for r in regencies) == 9
    assert [r.name for r in regencies if r.is_kota] == ["Kota Jambi", "Kota Sungai Penuh"]
    assert jambi(Region.Level.DISTRICT).count() == 144
    assert jambi(Region.Level.VILLAGE).count() == 1585
    assert jambi(Region.Level.VILLAGE, kind="desa").count() == 1414
    assert jambi(Region.Level.VILLAGE, kind="kelurahan").count() == 171


def test_kota_jambi_and_kerinci(demo):
    assert Region.objects.under("15.71").filter(level="village").count() == 68
    assert Region.objects.under("15.01").filter(level="village").count() == 287
    assert Region.objects.get(code="15.71").name == "Kota Jambi"


def test_loading_again_changes_nothing(demo):
    report = load_regions(["15"])
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert report.unchanged[Region.Level.VILLAGE] == 1585


def test_a_changed_name_is_updated(demo):
    Region.objects.filter(code="15.71.01.1001").update(name="Nama Lama")
    report = load_regions(["15"])
    assert report.updated[Region.Level.VILLAGE] == 1
    assert Region.objects.get(code="15.71.01.1001").name != "Nama Lama"


def test_another_province_loads_beside_jambi(demo):
    report = load_regions(["16"])
    assert report.created[Region.Level.PROVINCE] == 1
    assert Region.objects.filter(level="village", code__startswith="16.").count() == report.created["village"]
    assert Region.objects.filter(level="village", code__startswith="15.").count() == 1585


def test_command_reports_counts(demo):
    out = StringIO()
    call_command("load_regions", "--province", "15", stdout=out)
    assert "1,585" in out.getvalue()
    assert "0 new" in out.getvalue()


def test_command_needs_a_choice(demo):
    with pytest.raises(CommandError, match="--province"):
        call_command("load_regions")


def test_unknown_province_is_refused(demo):
    with pytest.raises(ValidationError, match="99"):
        load_regions(["99"])


def _copy_fixtures(tmp_path):
    for path in WILAYAH_DIR.glob("*.csv.gz"):
        shutil.copy(path, tmp_path / path.name)


def _rewrite(tmp_path, filename, transform):
    path = tmp_path / filename
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(transform(text))


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("15.71.01.10x1,Rusak,15.71.01,kelurahan", "not a village code"),
        ("15.71.99.1001,Yatim,15.71.99,kelurahan", "unknown"),
        ("15.71.01.1099,Salah Induk,15.71.02,kelurahan", "does not match"),
        ("15.71.01.2099,Jenis Salah,15.71.01,kelurahan", "kind"),
    ],
)
def test_a_bad_row_writes_nothing(demo, tmp_path, bad_line, message):
    _copy_fixtures(tmp_path)
    _rewrite(tmp_path, "villages.csv.gz", lambda text: text + bad_line + "\n")
    Region.objects.filter(code="15.71.01.1001").update(name="Tetap")
    with pytest.raises(ValidationError, match=message):
        load_regions(["15"], directory=tmp_path)
    assert Region.objects.get(code="15.71.01.1001").name == "Tetap"


def test_village_kind_follows_the_code():
    assert Region.kind_of("15.71.01.1001") == "kelurahan"
    assert Region.kind_of("15.01.01.2001") == "desa"
    assert Region.kind_of("91.03.01.3001") == "desa"
    assert Region.level_of("15.71") == "regency"
    assert Region.level_of("15.7") is None
