import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cooperatives.models import BoardMember, BusinessUnit, Cooperative
from imports.models import ImportLog
from imports.services import import_file
from tests.factories import VillageFactory
from tests.imports.files import csv_bytes, error_codes, xlsx

pytestmark = pytest.mark.django_db

TITLE = [["DATA KOPERASI DESA/KELURAHAN MERAH PUTIH"], ["Dinas Koperasi Provinsi Jambi"], []]
COOP_HEADER = [
    "No",
    "KODE DESA",
    "Nama Koperasi",
    "Tanggal Musdesus",
    "Tanggal Akta Notaris",
    "Jumlah Anggota",
    "Unit Gerai Sembako",
    "Keterangan",
]


@pytest.fixture
def admin_user(demo):
    return User.objects.get(username="admin.provinsi")


def run(kind, data, user, dry_run=False, name="roster.xlsx"):
    return import_file(kind=kind, data=data, file_name=name, user=user, dry_run=dry_run)


def coop_file(rows):
    return xlsx(TITLE + [COOP_HEADER] + [[i + 1, *row] for i, row in enumerate(rows)])


def test_new_cooperatives_are_created_named_by_the_rule_with_units(admin_user):
    villages = VillageFactory.create_batch(2)
    data = coop_file(
        [
            [villages[0].code.replace(".", ""), "", "14/04/2025", "25 April 2025", "120", "beroperasi", "catatan"],
            [villages[1].code, "KKMP Uji", dt.date(2025, 4, 20), "", 80, "", ""],
        ]
    )
    report = run("cooperatives", data, admin_user)
    assert report.ok, report.errors
    assert report.counts | {} == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "errors": 0}
    assert report.unknown_columns == ["No", "Keterangan"]
    first = Cooperative.objects.get(village=villages[0])
    assert first.name == Cooperative.official_name(villages[0])
    assert first.kind == Cooperative.Kind.KKMP
    assert first.musdesus_date == dt.date(2025, 4, 14)
    assert first.notary_deed_date == dt.date(2025, 4, 25)
    assert first.members_count == 120
    assert first.business_units.get().status == BusinessUnit.Status.OPERATING
    assert Cooperative.objects.get(village=villages[1]).name == "KKMP Uji"
    log = ImportLog.objects.get(pk=report.log.pk)
    assert (log.user, log.kind, log.outcome, log.new, log.file_name) == (
        admin_user,
        "cooperatives",
        "imported",
        2,
        "roster.xlsx",
    )


def test_same_file_twice_changes_nothing_and_a_changed_row_shows_its_differences(admin_user):
    village = VillageFactory()
    data = coop_file([[village.code, "", "14/04/2025", "", 100, "rencana", ""]])
    assert run("cooperatives", data, admin_user).written
    again = run("cooperatives", data, admin_user)
    assert again.counts["unchanged"] == 1 and again.counts["new"] == 0
    assert Cooperative.objects.filter(village=village).count() == 1

    changed = run(
        "cooperatives",
        coop_file([[village.code, "", "14/04/2025", "", 150, "pembangunan", ""]]),
        admin_user,
        dry_run=True,
    )
    (row,) = changed.rows
    assert row.action == "update"
    assert row.diff == {"Jumlah Anggota": ("100", "150"), "Unit Gerai Sembako": ("rencana", "pembangunan")}
    assert Cooperative.objects.get(village=village).members_count == 100  # dry run wrote nothing


def test_an_update_keeps_only_values_until_written_then_writes_fields_units_and_history(admin_user):
    """A national update keeps each row as a tuple of values (not a model instance) until the
    write; what is written must be what an instance would have written."""
    village = VillageFactory()
    assert run(
        "cooperatives", coop_file([[village.code, "KDMP Uji", "14/04/2025", "", 100, "beroperasi", ""]]), admin_user
    ).written
    cooperative = Cooperative.objects.get(village=village)
    unit = cooperative.business_units.get()
    BusinessUnit.objects.filter(pk=unit.pk).update(started_on=dt.date(2025, 5, 1))
    before = Cooperative.objects.filter(pk=cooperative.pk).values_list("updated_at", flat=True).get()
    data = coop_file([[village.code, "", "14/04/2025", "", 150, "pembangunan", ""]])

    preview = run("cooperatives", data, admin_user, dry_run=True)
    (row,) = preview.rows
    assert row.action == "update" and row.instance is None and row.values is not None
    assert row.label == "KDMP Uji"

    report = run("cooperatives", data, admin_user)
    assert report.written, report.errors
    cooperative.refresh_from_db()
    assert (cooperative.name, cooperative.members_count) == ("KDMP Uji", 150)
    assert cooperative.musdesus_date == dt.date(2025, 4, 14)
    assert cooperative.updated_at > before
    unit.refresh_from_db()
    # No longer operating: its "operating since" goes with it.
    assert (unit.status, unit.started_on) == (BusinessUnit.Status.CONSTRUCTION, None)
    assert cooperative.history.latest().history_type == "~"
    assert cooperative.history.latest().history_user == admin_user
    assert unit.history.latest().history_type == "~"


def test_every_error_in_one_pass_with_excel_row_numbers_and_nothing_written(admin_user, kerinci_cooperative):
    good = VillageFactory()
    staff = User.objects.get(username="staf.kotajambi")
    data = coop_file(
        [
            [good.code, "", "14/04/2025", "", 10, "", ""],  # row 5: fine
            ["15.71.01.9999", "", "", "", "", "", ""],  # row 6: no such village
            ["15.71", "", "", "", "", "", ""],  # row 7: not a village code
            [kerinci_cooperative.village_id, "", "", "", "", "", ""],  # row 8: outside Kota Jambi
            [good.code, "", "kemarin", "", "banyak", "selalu", ""],  # row 9: three bad cells
            [good.code, "", "", "", "", "", ""],  # row 10: duplicate of row 5
            [good.code.replace("1.19", "1.18"), "", "01/05/2025", "01/04/2025", "", "", ""],  # row 11
        ]
    )
    report = run("cooperatives", data, staff)
    assert not report.ok and not report.written
    assert error_codes(report) == [
        (6, "unknown_village"),
        (7, "not_a_village_code"),
        (8, "out_of_scope"),
        (9, "bad_choice"),
        (9, "bad_date"),
        (9, "bad_number"),
        (10, "duplicate_row"),
        (11, "unknown_village"),
    ]
    assert not Cooperative.objects.filter(village=good).exists()
    assert ImportLog.objects.get(pk=report.log.pk).outcome == "rejected"
    failed = report.failed_rows_dataset()
    assert failed.headers[0] == "Baris" and failed.headers[-1] == "Kesalahan"
    assert [r[0] for r in failed] == [6, 7, 8, 9, 10, 11]


def test_model_rules_are_row_errors(admin_user):
    village = VillageFactory()
    data = coop_file([[village.code, "", "01/05/2025", "01/04/2025", "", "", ""]])  # deed before musdesus
    report = run("cooperatives", data, admin_user)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(5, "Tanggal Akta Notaris", "invalid")]


def test_missing_required_columns_are_refused_before_any_row(admin_user):
    report = run("board", xlsx([["Nama", "NIK"], ["Ahmad", "1571010101900001"]]), admin_user)
    assert [code for code, _text in report.file_errors] == ["missing_columns"]
    assert report.rows == []
    assert ImportLog.objects.get(pk=report.log.pk).outcome == "refused"


def test_unreadable_file_is_refused_and_logged(admin_user):
    report = run("cooperatives", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, admin_user)
    assert [code for code, _text in report.file_errors] == ["encrypted_or_xls"]
    assert ImportLog.objects.filter(pk=report.log.pk, outcome="refused").exists()


def test_villages_by_name_when_the_file_has_no_codes(admin_user, kota_jambi_cooperative):
    village = kota_jambi_cooperative.village
    rows = [
        ["Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Jumlah Anggota"],
        ["KOTA  JAMBI", village.parent.name.upper(), village.name.lower(), 321],
        ["Kab. Kerinchi", "Gunung Raya", "Lempur", 1],
    ]
    report = run("cooperatives", csv_bytes(rows, delimiter=";"), admin_user, dry_run=True, name="r.csv")
    assert report.rows[0].action == "update"
    assert report.rows[0].diff["Jumlah Anggota"][1] == "321"
    (error,) = report.rows[1].errors
    assert (error.code, error.column) == ("unknown_region_name", "Kabupaten/Kota")
    assert "Kabupaten Kerinci" in error.message


def test_a_large_file_keeps_the_differences_of_its_first_updates_only(admin_user, monkeypatch):
    """The preview shows the first changes; later updates keep their action, and are written."""
    from imports import services

    monkeypatch.setattr(services, "KEEP_CELLS_UP_TO", 2)
    monkeypatch.setattr(services, "KEEP_DIFFS_UP_TO", 2)
    cooperatives = list(Cooperative.objects.order_by("village_id")[:5])
    rows = [["Kode Desa", "Jumlah Anggota"]] + [[c.village_id, str(c.members_count + 3)] for c in cooperatives]
    report = run("cooperatives", csv_bytes(rows), admin_user, name="anggota.csv")
    assert report.written and report.counts["updated"] == 5
    assert [bool(row.diff) for row in report.rows] == [True, True, False, False, False]
    for cooperative in cooperatives:
        assert Cooperative.objects.get(pk=cooperative.pk).members_count == cooperative.members_count + 3


def test_a_file_naming_villages_updates_their_existing_units(admin_user, kota_jambi_cooperative):
    """Without codes, the stored units are found through the user's scope: an existing unit is
    updated, not created a second time (which the unique constraint would refuse)."""
    village = kota_jambi_cooperative.village
    unit = BusinessUnit.objects.create(
        cooperative=kota_jambi_cooperative, unit_type=BusinessUnit.Type.GROCERY, status=BusinessUnit.Status.PLANNED
    )
    rows = [
        ["Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Unit Gerai Sembako"],
        ["Kota Jambi", village.parent.name, village.name, "beroperasi"],
    ]
    report = run("cooperatives", csv_bytes(rows), admin_user, name="r.csv")
    assert report.written, report.errors + report.file_errors
    (row,) = report.rows
    assert row.diff == {"Unit Gerai Sembako": ("rencana", "beroperasi")}
    unit.refresh_from_db()
    assert unit.status == BusinessUnit.Status.OPERATING
    assert kota_jambi_cooperative.business_units.filter(unit_type=BusinessUnit.Type.GROCERY).count() == 1


BOARD_HEADER = [
    "Kode Desa",
    "Nama",
    "NIK",
    "Jenis Kelamin",
    "No. HP",
    "Jabatan",
    "Mulai Menjabat",
    "Akhir Masa Jabatan",
]


def test_board_members_by_village_code_and_nik(admin_user, kota_jambi_cooperative):
    code = kota_jambi_cooperative.village_id
    rows = [
        BOARD_HEADER,
        [code, "Rina Lestari", "1571014508900003", "Perempuan", "0812-1111-2222", "Anggota Pengawas", "01/05/2025", ""],
    ]
    report = run("board", xlsx(rows), admin_user)
    assert report.written and report.counts["new"] == 1
    member = BoardMember.objects.get(cooperative=kota_jambi_cooperative, nik="1571014508900003")
    assert (member.gender, member.position, member.term_start) == ("P", "ANGGOTA_PENGAWAS", dt.date(2025, 5, 1))
    assert run("board", xlsx(rows), admin_user).counts["unchanged"] == 1


def test_board_rules_across_rows(admin_user, kota_jambi_cooperative):
    code = kota_jambi_cooperative.village_id
    village_without_cooperative = VillageFactory()
    rows = [
        BOARD_HEADER,
        [code, "Ketua Kedua", "1571010101900011", "L", "", "Ketua", "01/05/2025", ""],  # chair taken
        [code, "Ani", "1571014101900012", "P", "", "Anggota Pengawas", "01/05/2025", ""],
        [code, "Ani lagi", "1571014101900012", "P", "", "Anggota Pengawas", "01/05/2025", ""],  # same NIK
        [village_without_cooperative.code, "Budi", "1571010101900013", "L", "", "Manajer", "01/05/2025", ""],
        [code, "Cici", "123", "X", "", "Raja", "01/05/2025", "01/01/2025"],
    ]
    report = run("board", xlsx(rows), admin_user)
    assert error_codes(report) == [
        (2, "position_taken"),
        (4, "duplicate_row"),
        (5, "no_cooperative"),
        (6, "bad_choice"),
    ]
    assert {e.column for e in report.rows[4].errors} == {"Jenis Kelamin", "Jabatan"}
    assert not BoardMember.objects.filter(nik="1571014101900012").exists()


def _query_count(kind, data, user):
    with CaptureQueriesContext(connection) as queries:
        report = run(kind, data, user)
    assert report.written, report.errors
    return len(queries)


def test_queries_do_not_grow_with_rows(admin_user, django_assert_max_num_queries):
    """Cooperatives: new rows (with units) and updates; two file sizes, the same queries. (Writes
    are batched statements: both sizes fit one batch, which on SQLite holds 999 parameters.)"""
    small = VillageFactory.create_batch(3)
    large = VillageFactory.create_batch(15)  # 15 rows of ~50 columns: one SQLite INSERT batch
    existing = list(Cooperative.objects.filter(village__code__startswith="15.72.").order_by("village")[:22])

    def rows(villages, coops, members):
        return [[v.code, "", "", "", 50, "rencana", ""] for v in villages] + [
            [c.village_id, "", "", "", members, "", ""] for c in coops
        ]

    counts = [
        _query_count("cooperatives", coop_file(rows(small, existing[:2], 999)), admin_user),
        _query_count("cooperatives", coop_file(rows(large, existing[2:], 998)), admin_user),
    ]
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        run("cooperatives", coop_file(rows(large, existing, 997)), admin_user)


def test_board_queries_do_not_grow_with_rows(admin_user, django_assert_max_num_queries):
    coops = list(Cooperative.objects.filter(village__code__startswith="15.72.").order_by("village")[:50])

    def rows(cooperatives, serial):
        return [BOARD_HEADER] + [
            [
                c.village_id,
                f"Anggota {i}",
                f"157201010190{serial + i:04d}",
                "L",
                "",
                "Anggota Pengawas",
                "01/05/2025",
                "",
            ]
            for i, c in enumerate(cooperatives)
        ]

    small = _query_count("board", xlsx(rows(coops[:2], 100)), admin_user)
    with django_assert_max_num_queries(small):
        run("board", xlsx(rows(coops, 200)), admin_user)


@pytest.mark.parametrize("kind", ["cooperatives", "board"])
def test_the_downloadable_templates_read_cleanly(admin_user, kind):
    """The example row parses in every cell (on the demo the board's example chair is taken)."""
    from imports import registry

    data = registry.get(kind).template_dataset().export("xlsx")
    report = run(kind, data, admin_user, dry_run=True)
    assert not report.file_errors and report.unknown_columns == []
    assert {e.code for e in report.errors} <= {"position_taken"}


def test_board_members_by_names(admin_user, kota_jambi_cooperative):
    village = kota_jambi_cooperative.village
    rows = [
        ["Kab/Kota", "Kec.", "Desa", "Nama", "NIK", "JK", "Jabatan", "TMT"],
        ["Kota Jambi", village.parent.name, village.name, "Dewi", "1571014101900021", "P", "Pengawas", "1 Mei 2025"],
    ]
    report = run("board", csv_bytes(rows), admin_user, name="pengurus.csv")
    assert report.written and report.counts["new"] == 1
    assert BoardMember.objects.filter(cooperative=kota_jambi_cooperative, nik="1571014101900021").exists()


def test_imported_writes_are_in_the_change_history(admin_user, kota_jambi_cooperative):
    village = VillageFactory()
    report = run(
        "cooperatives",
        coop_file(
            [[village.code, "", "", "", 10, "rencana", ""], [kota_jambi_cooperative.village_id, "", "", "", 11, "", ""]]
        ),
        admin_user,
    )
    assert report.written, report.errors
    created = Cooperative.objects.get(village=village)
    assert [(h.history_type, h.history_user) for h in created.history.all()] == [("+", admin_user)]
    latest = kota_jambi_cooperative.history.latest()
    assert (latest.history_type, latest.history_user, latest.members_count) == ("~", admin_user, 11)
    assert created.history.get().instance.members_count == 10
    assert created.business_units.get().history.get().history_user == admin_user
    rows = [BOARD_HEADER, [village.code, "Rina", "1571014101900031", "P", "", "Anggota Pengawas", "01/05/2025", ""]]
    run("board", xlsx(rows), admin_user)
    member = BoardMember.objects.get(nik="1571014101900031")
    assert member.history.get().history_user == admin_user


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("cooperatives", ["Kode Desa"]),  # no column is required alone: the code, or the three names
        ("participants", ["ID Angkatan (atau Program dan Angkatan)", "NIK"]),
        ("board", ["Nama", "NIK", "Jabatan"]),
    ],
)
def test_no_header_row_names_the_expected_columns(admin_user, kind, expected):
    report = run(kind, xlsx([["Daftar"], ["Baris tanpa judul kolom", 3]]), admin_user)
    ((code, text),) = report.file_errors
    assert code == "no_header"
    listed = text.split("Kolom yang diharapkan: ", 1)[1]
    assert all(header in listed for header in expected), text


def _analyze_counts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # stats are cached per transaction
        cursor.execute("SELECT relname, analyze_count FROM pg_stat_user_tables")
        return dict(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE after an import runs on PostgreSQL only")
def test_a_confirmed_import_analyzes_the_tables_it_wrote_after_commit(admin_user, django_capture_on_commit_callbacks):
    village = VillageFactory()
    before = _analyze_counts()
    with django_capture_on_commit_callbacks(execute=True):  # a dry run and a rejected file write nothing
        run("cooperatives", coop_file([[village.code, "", "", "", 10, "", ""]]), admin_user, dry_run=True)
        run("cooperatives", coop_file([[village.code, "", "kemarin", "", 10, "", ""]]), admin_user)
    assert _analyze_counts() == before
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = run("cooperatives", coop_file([[village.code, "", "", "", 10, "rencana", ""]]), admin_user)
    assert report.written
    assert _analyze_counts() == before  # nothing analysed before the commit
    for callback in callbacks:
        callback()
    after = _analyze_counts()
    grown = {table for table, count in after.items() if count > before.get(table, 0)}
    assert {"cooperatives_cooperative", "cooperatives_historicalcooperative", "cooperatives_businessunit"} <= grown
    assert "trainings_cohort" not in grown and "imports_importlog" not in grown
