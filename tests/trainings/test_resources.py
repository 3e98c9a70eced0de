"""Import kinds `participants` and `attendance`, and the participant list export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from assistants.models import Assistant
from cooperatives.models import BoardMember
from imports import registry
from imports.services import import_file
from tests.factories import AssistantFactory
from tests.imports.files import error_codes, xlsx
from tests.trainings.factories import CohortFactory, ProgramFactory
from trainings.models import Enrollment, TrainingProgram
from trainings.resources import ParticipantResource

pytestmark = pytest.mark.django_db
PARTICIPANTS = ["ID Angkatan", "NIK", "Nama"]


@pytest.fixture
def staff_kota_jambi(demo):
    return User.objects.get(username="staf.kotajambi")


@pytest.fixture
def cohort(demo):
    return CohortFactory()


def run(kind, rows, user, dry_run=False):
    return import_file(kind=kind, data=xlsx(rows), file_name="f.xlsx", user=user, dry_run=dry_run)


def staff_of(area, count):
    return list(Assistant.objects.filter(work_area_id=area, status="active").order_by("pk")[:count])


def test_participants_enrolled_with_history_then_unchanged(staff_kota_jambi, cohort):
    people = staff_of("15.71", 3)
    rows = [["DAFTAR PESERTA"], PARTICIPANTS] + [[cohort.pk, p.nik, p.name] for p in people]
    report = run("participants", rows, staff_kota_jambi)
    assert report.written and report.counts["new"] == 3, report.errors
    enrollment = Enrollment.objects.get(cohort=cohort, assistant=people[0])
    assert (enrollment.region_id, enrollment.enrolled_by) == ("15.71", staff_kota_jambi)
    assert enrollment.history.get().history_user == staff_kota_jambi
    again = run("participants", rows, staff_kota_jambi)
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0


def test_cohort_by_program_title_and_batch(staff_kota_jambi, cohort):
    person = staff_of("15.71", 1)[0]
    rows = [["Program", "Angkatan", "NIK"], [cohort.program.title.upper(), "1", person.nik]]
    report = run("participants", rows, staff_kota_jambi)
    assert report.written and Enrollment.objects.filter(cohort=cohort, assistant=person).exists()


def test_participant_errors_in_one_pass(staff_kota_jambi, cohort):
    people = staff_of("15.71", 2)
    resigned = AssistantFactory(status="resigned")
    outside = staff_of("15.01", 1)[0]
    board_cohort = CohortFactory(program=ProgramFactory(audience=TrainingProgram.Audience.BOARD))
    provincial = CohortFactory(region_id="15")
    rows = [
        PARTICIPANTS,
        [cohort.pk, people[0].nik, ""],  # 2 fine
        [cohort.pk, resigned.nik, ""],  # 3 enroll_many: no longer active
        [cohort.pk, outside.nik, ""],  # 4 outside the user's region
        [cohort.pk, "1571999999999999", ""],  # 5 nobody
        [99999, people[1].nik, ""],  # 6 no such cohort
        [provincial.pk, people[1].nik, ""],  # 7 a cohort the user may not fill
        [board_cohort.pk, people[1].nik, ""],
    ]  # 8 staff NIK for a board programme
    report = run("participants", rows, staff_kota_jambi)
    assert error_codes(report) == [
        (3, "enroll_refused"),
        (4, "person_out_of_scope"),
        (5, "unknown_participant"),
        (6, "unknown_cohort"),
        (7, "cohort_out_of_scope"),
        (8, "unknown_participant"),
    ]
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_board_members_and_a_full_cohort(staff_kota_jambi):
    cohort = CohortFactory(program=ProgramFactory(audience=TrainingProgram.Audience.BOARD), capacity=2)
    members = list(BoardMember.objects.filter(cooperative__village__code__startswith="15.71.").order_by("pk")[:3])
    rows = [PARTICIPANTS] + [[cohort.pk, m.nik, m.name] for m in members]
    report = run("participants", rows, staff_kota_jambi)
    assert [e.code for e in report.errors] == ["cohort_full"] and not report.written
    report = run("participants", rows[:3], staff_kota_jambi)
    assert report.written and Enrollment.objects.filter(cohort=cohort, board_member=members[0]).exists()


def test_participant_queries_do_not_grow_with_rows(staff_kota_jambi, django_assert_max_num_queries):
    people = staff_of("15.71", 25)
    small, large = CohortFactory(), CohortFactory(number=2, program=ProgramFactory())
    with django_assert_max_num_queries(28) as few:  # the check and the write, each a fixed count
        assert run(
            "participants", [PARTICIPANTS] + [[small.pk, p.nik, ""] for p in people[:2]], staff_kota_jambi
        ).written
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run("participants", [PARTICIPANTS] + [[large.pk, p.nik, ""] for p in people], staff_kota_jambi).written


def test_participant_list_export_is_filtered_scoped_and_reimports(login, staff_kota_jambi, cohort):
    people = staff_of("15.71", 3)
    run("participants", [PARTICIPANTS] + [[cohort.pk, p.nik, ""] for p in people], staff_kota_jambi)
    url = reverse("trainings:participant_export", args=["xlsx"])
    response = login("staf.kotajambi").get(url, {"cohort": cohort.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) - 1 == 3 and {r[rows[0].index("NIK")] for r in rows[1:]} == {p.nik for p in people}
    report = import_file(
        kind="participants", data=response.content, file_name="x.xlsx", user=staff_kota_jambi, dry_run=True
    )
    assert report.ok and report.counts["unchanged"] == 3, report.errors
    masked = list(
        load_workbook(io.BytesIO(login("kepala.dinas").get(url, {"cohort": cohort.pk}).content)).active.values
    )
    assert all("********" in r[masked[0].index("NIK")] for r in masked[1:]) and len(masked) == 4
    page = login("staf.kotajambi").get(reverse("trainings:participant_list"), {"cohort": cohort.pk}).content.decode()
    assert f"{url}?cohort={cohort.pk}" in page


def test_participant_export_in_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    user = User.objects.get(username="admin.provinsi")
    with django_assert_max_num_queries(4):
        dataset = ParticipantResource(user=user).export()
    assert len(dataset) == Enrollment.objects.count()


def test_the_participant_template_reads_cleanly(staff_kota_jambi):
    data = registry.get("participants").template_dataset().export("xlsx")
    report = import_file(kind="participants", data=data, file_name="t.xlsx", user=staff_kota_jambi, dry_run=True)
    assert not report.file_errors and report.unknown_columns == []
    assert {e.code for e in report.errors} <= {"unknown_cohort", "unknown_participant"}


# --- attendance ------------------------------------------------------------------------------------

ATTENDANCE = ["ID Angkatan", "NIK", "Tanggal", "Hadir", "Keterangan"]


@pytest.fixture
def enrolled(staff_kota_jambi, cohort):
    people = staff_of("15.71", 12)
    run("participants", [PARTICIPANTS] + [[cohort.pk, p.nik, ""] for p in people], staff_kota_jambi)
    return people


def test_attendance_marked_with_history_then_unchanged_then_updated(staff_kota_jambi, cohort, enrolled):
    from trainings.models import Attendance

    rows = [
        ATTENDANCE,
        [cohort.pk, enrolled[0].nik, "02/03/2026", "Ya", ""],
        [cohort.pk, enrolled[1].nik, "2 Maret 2026", "Tidak", "Sakit"],
        [cohort.pk, enrolled[0].nik, "03/03/2026", "Ya", ""],
    ]
    report = run("attendance", rows, staff_kota_jambi)
    assert report.written and report.counts["new"] == 3, report.errors
    absent = Attendance.objects.get(enrollment__assistant=enrolled[1], day="2026-03-02")
    assert (absent.present, absent.note, absent.recorded_by) == (False, "Sakit", staff_kota_jambi)
    assert absent.history.get().history_user == staff_kota_jambi
    assert run("attendance", rows, staff_kota_jambi).counts["unchanged"] == 3
    rows[3][3] = "Tidak"
    changed = run("attendance", rows, staff_kota_jambi)
    assert changed.counts["updated"] == 1 and changed.rows[2].diff == {"Hadir": ("Ya", "Tidak")}
    assert Attendance.objects.filter(present=False, enrollment__cohort=cohort).count() == 2


def test_attendance_errors(staff_kota_jambi, cohort, enrolled):
    stranger = AssistantFactory()
    rows = [
        ATTENDANCE,
        [cohort.pk, enrolled[0].nik, "01/03/2026", "Ya", ""],  # 2 not a cohort day
        [cohort.pk, stranger.nik, "02/03/2026", "Ya", ""],  # 3 not enrolled
        [cohort.pk, enrolled[1].nik, "02/03/2026", "Mungkin", ""],  # 4 not yes/no
        [cohort.pk, enrolled[2].nik, "02/03/2026", "Ya", ""],  # 5 fine
        [cohort.pk, enrolled[2].nik, "2026-03-02", "Tidak", ""],
    ]  # 6 the same mark twice
    report = run("attendance", rows, staff_kota_jambi)
    assert error_codes(report) == [
        (2, "not_a_cohort_day"),
        (3, "not_enrolled"),
        (4, "bad_yes_no"),
        (6, "duplicate_row"),
    ]


def test_attendance_queries_do_not_grow_with_rows(staff_kota_jambi, cohort, enrolled, django_assert_max_num_queries):
    def rows(people, day):
        return [ATTENDANCE] + [[cohort.pk, p.nik, day, "Ya", ""] for p in people]

    with django_assert_max_num_queries(20) as few:
        assert run("attendance", rows(enrolled[:2], "02/03/2026"), staff_kota_jambi).written
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run("attendance", rows(enrolled, "03/03/2026"), staff_kota_jambi).written


def test_the_attendance_template_reads_cleanly(staff_kota_jambi):
    data = registry.get("attendance").template_dataset().export("xlsx")
    report = import_file(kind="attendance", data=data, file_name="t.xlsx", user=staff_kota_jambi, dry_run=True)
    assert not report.file_errors and report.unknown_columns == []
    assert {e.code for e in report.errors} <= {"unknown_cohort"}
