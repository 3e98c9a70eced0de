"""Import kinds `assistants` and `assignments`: the same service as every kind (imports.services)."""

import datetime as dt

import pytest

from accounts.models import User
from assistants.models import Assignment, Assistant
from assistants.resources import AssignmentResource, AssistantResource
from cooperatives.models import Cooperative
from imports import registry
from imports.services import import_file
from tests.factories import AssistantFactory
from tests.imports.files import csv_bytes, error_codes, xlsx

pytestmark = pytest.mark.django_db

PEOPLE = [
    "Nama",
    "NIK",
    "JK",
    "No. HP",
    "Peran",
    "Wilayah Kerja",
    "NIK PMO Pembina",
    "Mulai Kontrak",
    "Akhir Kontrak",
    "Status",
]
ASSIGN = ["NIK BA", "Kode Desa", "Tanggal Mulai", "Alasan"]


@pytest.fixture
def admin_user(demo):
    return User.objects.get(username="admin.provinsi")


@pytest.fixture
def staff_kota_jambi(demo):
    return User.objects.get(username="staf.kotajambi")


def run(kind, rows, user, dry_run=False):
    return import_file(kind=kind, data=xlsx(rows), file_name="f.xlsx", user=user, dry_run=dry_run)


def person(nik, role="BA", area="15.71", supervisor="", name=None, status="aktif", end="31/12/2026"):
    return [
        name or f"Pendamping {nik[-4:]}",
        nik,
        "P",
        "0812-3456-7890",
        role,
        area,
        supervisor,
        "01/10/2025",
        end,
        status,
    ]


def test_new_people_with_a_supervisor_from_the_same_file_then_unchanged(admin_user):
    rows = [
        [["DATA PENDAMPING KDKMP"], []][0],
        PEOPLE,
        person("1571014506900901", supervisor="1571014506900900"),
        person("1571014506900900", role="PMO", area="Kota Jambi"),
        person("1571014506900902", role="Pendamping Dumisake", area="Provinsi Jambi"),
    ]
    report = run("assistants", rows, admin_user)
    assert report.written, report.errors
    assert report.counts["new"] == 3
    ba = Assistant.objects.get(nik="1571014506900901")
    assert (ba.role, ba.work_area_id, ba.supervisor.nik) == ("BA", "15.71", "1571014506900900")
    assert Assistant.objects.get(nik="1571014506900902").work_area_id == "15"
    assert ba.history.get().history_user == admin_user
    again = run("assistants", rows, admin_user)
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0
    rows[2][9] = "berhenti"
    changed = run("assistants", rows, admin_user)
    assert changed.counts["updated"] == 1
    assert changed.rows[0].diff == {"Status": ("aktif", "berhenti")}
    assert Assistant.objects.get(nik="1571014506900901").status == "resigned"
    assert ba.history.count() == 2


def test_every_error_in_one_pass_and_nothing_written(admin_user):
    ba = Assistant.objects.filter(role="BA", work_area_id="15.71").first()
    rows = [
        PEOPLE,
        person("1571014506900911", role="Koordinator"),  # 2 bad role
        person("1571014506900912", area="15"),  # 3 BA in a province
        person("1571014506900913", supervisor="1571014506999999"),  # 4 no such PMO
        person("1571014506900914", supervisor=ba.nik),  # 5 supervisor not a PMO
        person("1571014506900915", area="15.71.01"),  # 6 a district
        person("1571014506900916", end="01/01/2020"),  # 7 contract ends first
        person("1571014506900917", supervisor="1571014506900917", role="PMO"),  # 8 themselves
        person("123", area="15.99"),
    ]  # 9 bad NIK, no regency
    report = run("assistants", rows, admin_user)
    assert not report.written
    assert error_codes(report) == [
        (2, "bad_choice"),
        (3, "invalid"),
        (4, "unknown_supervisor"),
        (5, "supervisor_not_pmo"),
        (6, "not_a_work_area"),
        (7, "invalid"),
        (8, "self_supervisor"),
        (9, "unknown_region"),
    ]
    assert not Assistant.objects.filter(nik__startswith="15710145069009").exists()


def test_a_stored_person_gets_a_supervisor_new_in_the_file_and_cycles_are_refused(admin_user):
    stored = AssistantFactory(nik="1571014506900940")
    rows = [
        PEOPLE,
        person(stored.nik, name=stored.name, supervisor="1571014506900941"),
        person("1571014506900941", role="PMO"),
    ]
    report = run("assistants", rows, admin_user)
    assert report.written and report.rows[0].diff["NIK PMO Pembina"] == ("–", "1571014506900941")
    stored.refresh_from_db()
    assert stored.supervisor.nik == "1571014506900941"
    cycle = [
        PEOPLE,
        person("1571014506900942", role="PMO", supervisor="1571014506900943"),
        person("1571014506900943", role="PMO", supervisor="1571014506900942"),
    ]
    assert error_codes(run("assistants", cycle, admin_user)) == [(2, "supervisor_cycle"), (3, "supervisor_cycle")]


def test_scoped_to_the_importing_user(staff_kota_jambi):
    outside = Assistant.objects.filter(work_area_id="15.01").first()
    rows = [PEOPLE, person("1571014506900921", area="15.01"), person(outside.nik, area="15.71", name=outside.name)]
    report = run("assistants", rows, staff_kota_jambi)
    assert error_codes(report) == [(2, "area_out_of_scope"), (3, "person_out_of_scope")]


def test_a_ba_with_a_caseload_keeps_role_area_and_status(admin_user):
    ba = Assistant.objects.with_load().filter(role="BA", work_area_id="15.71", load__gt=0).first()
    rows = [PEOPLE, person(ba.nik, area="15.01", name=ba.name)]
    assert error_codes(run("assistants", rows, admin_user)) == [(2, "has_caseload")]
    rows = [PEOPLE, person(ba.nik, status="berhenti", name=ba.name)]
    assert error_codes(run("assistants", rows, admin_user)) == [(2, "has_caseload")]


def test_assistant_queries_do_not_grow_with_rows(admin_user, django_assert_max_num_queries):
    def rows(count, serial):
        pmo = f"15710145069{serial:05d}"
        return [PEOPLE, person(pmo, role="PMO")] + [
            person(f"15710145069{serial + i:05d}", supervisor=pmo) for i in range(1, count)
        ]

    with django_assert_max_num_queries(14) as small:
        assert run("assistants", rows(3, 1000), admin_user).written
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert run("assistants", rows(40, 2000), admin_user).written


# --- assignments -------------------------------------------------------------------------------


def assignment(ba, cooperative, start="03/11/2025"):
    return [ba.nik, cooperative.village_id, start, "Penugasan impor"]


def test_assignments_are_created_with_history_then_unchanged(admin_user, free_kota_jambi, new_ba):
    rows = [ASSIGN] + [assignment(new_ba, c) for c in free_kota_jambi[:3]]
    report = run("assignments", rows, admin_user)
    assert report.written and report.counts["new"] == 3, report.errors
    created = Assignment.objects.active().filter(assistant=new_ba)
    assert created.count() == 3
    first = created.first()
    assert (first.assigned_by, first.reason, first.start_date) == (admin_user, "Penugasan impor", dt.date(2025, 11, 3))
    assert first.history.get().history_user == admin_user
    again = run("assignments", rows, admin_user)
    assert again.counts["unchanged"] == 3 and again.written


def test_assignment_rules_hold_for_the_whole_file(admin_user, free_kota_jambi, new_ba):
    taken = (
        Assignment.objects.active()
        .filter(cooperative__village__code__startswith="15.71.")
        .exclude(cooperative__in=free_kota_jambi)
        .select_related("cooperative")
        .first()
    )
    pmo = Assistant.objects.filter(role="PMO", work_area_id="15.71").first()
    resigned = AssistantFactory(status="resigned")
    kerinci = Cooperative.objects.filter(village__code__startswith="15.01.").first()
    free = free_kota_jambi
    rows = (
        [ASSIGN]
        + [assignment(new_ba, c) for c in free[:10]]
        + [
            assignment(new_ba, free[10]),  # 12: the 11th for this BA
            assignment(new_ba, taken.cooperative),  # 13: another BA has it
            assignment(pmo, free[11]),  # 14: not a BA
            assignment(resigned, free[12]),  # 15: not active
            assignment(new_ba, kerinci),  # 16: outside the BA's regency
            assignment(AssistantFactory(), free[13], "01/10/2025"),  # 17: before the previous end
            ["1571019999999999", free[14].village_id, "03/11/2025", ""],  # 18: no such NIK
        ]
    )
    other = AssistantFactory()
    rows += [assignment(other, free[0])]  # 19: the same cooperative again
    report = run("assignments", rows, admin_user)
    assert error_codes(report) == [
        (12, "ba_full"),
        (13, "cooperative_taken"),
        (14, "not_a_ba"),
        (15, "assistant_inactive"),
        (16, "outside_work_area"),
        (17, "starts_before_previous_end"),
        (18, "unknown_assistant"),
        (19, "cooperative_twice"),
    ]
    message = next(e.message for e in report.errors if e.code == "cooperative_taken")
    assert taken.assistant.name in message and new_ba.name in message
    assert not Assignment.objects.filter(assistant=new_ba).exists()


def test_the_cap_counts_the_existing_caseload(admin_user, free_kota_jambi, new_ba):
    run("assignments", [ASSIGN] + [assignment(new_ba, c) for c in free_kota_jambi[:9]], admin_user)
    report = run("assignments", [ASSIGN] + [assignment(new_ba, c) for c in free_kota_jambi[9:11]], admin_user)
    assert error_codes(report) == [(3, "ba_full")]


def test_assignments_scoped_to_the_importing_user(staff_kota_jambi):
    ba = Assistant.objects.filter(role="BA", work_area_id="15.01").first()
    kerinci = Cooperative.objects.filter(village__code__startswith="15.01.").first()
    report = run("assignments", [ASSIGN, assignment(ba, kerinci)], staff_kota_jambi)
    assert error_codes(report) == [(2, "out_of_scope")]


def test_assignment_queries_do_not_grow_with_rows(admin_user, free_kota_jambi, django_assert_max_num_queries):
    bas = AssistantFactory.create_batch(2)
    with django_assert_max_num_queries(16) as small:
        assert run("assignments", [ASSIGN] + [assignment(bas[0], c) for c in free_kota_jambi[:2]], admin_user).written
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = run(
            "assignments",
            [ASSIGN]
            + [assignment(bas[1], c) for c in free_kota_jambi[2:12]]
            + [assignment(bas[0], c) for c in free_kota_jambi[:2] + free_kota_jambi[12:20]],
            admin_user,
        )
        assert report.written and report.counts["unchanged"] == 2


@pytest.mark.parametrize("resource_class", [AssistantResource, AssignmentResource])
def test_an_export_reimports_unchanged(demo, resource_class):
    user = User.objects.get(username="staf.kotajambi")
    dataset = resource_class(user=user).export()
    report = import_file(
        kind=resource_class.kind, data=dataset.export("csv").encode(), file_name="x.csv", user=user, dry_run=True
    )
    assert report.ok, report.errors[:3]
    assert report.counts["unchanged"] == len(dataset) > 0


@pytest.mark.parametrize(
    "kind, allowed", [("assistants", {"unknown_supervisor"}), ("assignments", {"unknown_assistant"})]
)
def test_the_downloadable_templates_read_cleanly(admin_user, kind, allowed):
    data = registry.get(kind).template_dataset().export("xlsx")
    report = import_file(kind=kind, data=data, file_name="t.xlsx", user=admin_user, dry_run=True)
    assert not report.file_errors and report.unknown_columns == []
    assert {e.code for e in report.errors} <= allowed


def test_work_areas_by_name_in_csv(admin_user):
    rows = [PEOPLE, person("1571014506900931", area="Kab. Kerinci"), person("1571014506900932", area="Kerinci")]
    report = import_file(
        kind="assistants", data=csv_bytes(rows, delimiter=";"), file_name="p.csv", user=admin_user, dry_run=True
    )
    assert report.ok, report.errors


# --- list export ---------------------------------------------------------------------------------


def export_rows(response):
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.values)


def test_assistant_list_export_is_filtered_scoped_and_masks_nik(login):
    from django.urls import reverse

    url = reverse("assistants:export", args=["xlsx"])
    rows = export_rows(login("staf.kotajambi").get(url, {"role": "BA"}))
    expected = Assistant.objects.filter(work_area_id="15.71", role="BA")
    assert rows[0][:2] == ("Nama", "NIK") and len(rows) - 1 == expected.count() > 0
    assert {r[1] for r in rows[1:]} == set(expected.values_list("nik", flat=True))
    masked = export_rows(login("kepala.dinas").get(url, {"role": "BA", "regency": "15.71"}))
    assert len(masked) == len(rows) and all("********" in r[1] for r in masked[1:])
    assert all("********" in r[7] for r in masked[1:] if r[7])
    assert not {r[1] for r in masked[1:]} & set(expected.values_list("nik", flat=True))
    list_page = login("staf.kotajambi").get(reverse("assistants:list"), {"role": "BA"}).content.decode()
    assert f"{url}?role=BA" in list_page


def test_assistant_list_export_in_a_fixed_number_of_queries(login, django_assert_max_num_queries):
    from django.urls import reverse

    client = login("admin.provinsi")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assistants:export", args=["csv"]))
    assert (
        response.content.decode().count("\n") == 1 + Assistant.objects.filter(work_area__code__startswith="15").count()
    )


def test_a_ba_given_a_cooperative_between_validation_and_write_is_not_resigned(admin_user, monkeypatch):
    """The import is a door too (review of issue 11, finding 8): a cooperative assigned while the
    file was being checked must not be left on a BA the file resigns."""
    from assistants import services

    ba = AssistantFactory(work_area_id="15.01")
    cooperative = Cooperative.objects.filter(village__code__startswith="15.01.").order_by("village").first()
    Assignment.objects.filter(cooperative=cooperative).delete()
    original = AssistantResource.write

    def write_after_a_concurrent_assign(self, outcomes, progress=None):
        services.assign(assistant=ba, cooperative=cooperative, by=None)  # what another request commits meanwhile
        return original(self, outcomes, progress)

    monkeypatch.setattr(AssistantResource, "write", write_after_a_concurrent_assign)
    rows = [PEOPLE, person(ba.nik, area="15.01", name=ba.name, status="berhenti")]
    report = run("assistants", rows, admin_user)
    assert not report.written
    assert [code for code, _text in report.file_errors] == ["invalid"] and ba.name in report.file_errors[0][1]
    ba.refresh_from_db()
    assert ba.status == "active"
