"""Import/export kinds of this app: training participants (enrolled through
trainings.services.enroll_many, whose problems come back as row errors) and attendance (through
trainings.services.mark_attendance). A cohort is named by its id, or by program title plus batch
number; a person by NIK (a staff member's or a board member's)."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from assistants.models import Assistant
from assistants.resources import by_niks
from cooperatives.models import BoardMember
from core.scoping import in_scope
from core.validators import parse_score
from imports import reading
from imports.messages import WriteRefused, message
from imports.registry import register
from imports.resources import BulkResource, Column, RowError

from . import services
from .models import Attendance, Cohort, Enrollment, TrainingProgram

COHORT_COLUMNS = [
    Column("cohort_id", "ID Angkatan", ("id kelas", "kode angkatan"), example=""),
    Column(
        "program",
        "Program",
        ("program pelatihan", "nama pelatihan", "judul pelatihan", "pelatihan"),
        example="Pelatihan Pendamping KDKMP",
    ),
    Column("number", "Angkatan", ("angkatan ke", "gelombang", "batch"), example=1),
]


class CohortKeyedResource(BulkResource):
    """Kinds whose rows name a cohort (id, or program title + batch) and a person by NIK."""

    def missing_columns(self, present):
        missing = super().missing_columns(present)
        if "cohort_id" not in present and not {"program", "number"} <= present:
            missing.insert(0, "ID Angkatan (atau Program dan Angkatan)")
        return missing

    def load_cohorts(self):
        """Every cohort with its program (a small table: one query); writable ones are those in
        the user's own scope, as on the enrolment and attendance pages."""
        cohorts = list(Cohort.objects.select_related("program"))
        self.cohorts = {c.pk: c for c in cohorts}
        self.cohorts_by_title = {(reading.normalize_header(c.program.title), c.number): c for c in cohorts}

    def cohort_of(self, row):
        if row.has("cohort_id"):
            pk = row.parse("cohort_id", reading.integer)
            cohort = self.cohorts.get(pk)
            if pk is not None and cohort is None:
                row.error("cohort_id", "unknown_cohort", value=reading.text(row.raw("cohort_id")))
        else:
            title, number = row.raw("program"), row.parse("number", reading.integer, required=True)
            if not title:
                row.error("program", "required")
                return None
            cohort = self.cohorts_by_title.get((reading.normalize_header(title), number))
            if cohort is None and number is not None:
                row.error("program", "unknown_cohort", value=f"{reading.text(title)}, angkatan {number}")
        if cohort is not None and not in_scope(self.user, cohort.region_id):
            row.error("cohort_id" if row.has("cohort_id") else "program", "cohort_out_of_scope", cohort=str(cohort))
            return None
        return cohort

    def cohorts_in_file(self, values):
        """The cohort pk a raw row names, if any (to load its enrollments in one query)."""
        if values.get("cohort_id") is not None:
            try:
                return reading.integer(values["cohort_id"])
            except reading.CellError:
                return None
        try:
            number = reading.integer(values.get("number"))
        except reading.CellError:
            return None
        cohort = self.cohorts_by_title.get((reading.normalize_header(values.get("program")), number))
        return cohort.pk if cohort else None

    def export_value(self, instance, key):
        enrollment = getattr(instance, "enrollment", instance)
        if key == "cohort_id":
            return enrollment.cohort_id
        if key == "program":
            return enrollment.cohort.program.title
        if key == "number":
            return enrollment.cohort.number
        if key == "nik":
            nik = enrollment.person.nik
            return enrollment.person.masked_nik if getattr(self, "mask_nik", False) else nik
        if key == "name":
            return enrollment.name
        return super().export_value(instance, key)


class ScoresRefused(Exception):
    """set_scores_many refused some of a file's rows: [(row outcome, [reasons])]."""

    def __init__(self, rows):
        super().__init__(rows)
        self.rows = rows


@register
class ParticipantResource(CohortKeyedResource):
    kind = "participants"
    label = "Peserta pelatihan"
    columns = COHORT_COLUMNS + [
        Column(
            "nik",
            "NIK",
            ("nik peserta", "nomor induk kependudukan", "no ktp"),
            required=True,
            example="1571014506900003",
        ),
        Column("name", "Nama", ("nama peserta", "nama lengkap"), example="Siti Rahmawati"),
        Column("role", "Peran/Jabatan", ("peran", "jabatan")),
        Column("affiliation", "Asal", ("asal instansi", "asal koperasi", "unit kerja")),
        Column("status", "Status Peserta", ("status kepesertaan",)),
        Column("pre_test", "Nilai Pre-test", ("pre test", "pretest", "nilai awal", "nilai pre test"), example=60),
        Column(
            "post_test", "Nilai Post-test", ("post test", "posttest", "nilai akhir", "nilai post test"), example="85,5"
        ),
    ]
    SCORES = ("pre_test", "post_test")

    class Meta:
        model = Enrollment

    def prepare(self, rows):
        self.load_cohorts()
        niks = {reading.digits(v.get("nik")) for v in rows if v.get("nik") is not None}
        self.assistants = {a.nik: a for a in by_niks(Assistant.objects.all(), "nik", niks)}
        today = timezone.localdate()
        current = Q(term_end__isnull=True) | Q(term_end__gte=today)
        self.members = defaultdict(list)
        for member in by_niks(BoardMember.objects.filter(current).select_related("cooperative"), "nik", niks):
            self.members[member.nik].append(member)
        cohort_pks = {self.cohorts_in_file(v) for v in rows} - {None}
        self.enrolled = {}
        for enrollment in Enrollment.objects.filter(cohort__in=cohort_pks).select_related("assistant", "board_member"):
            enrollment.cohort = self.cohorts[enrollment.cohort_id]  # its label, without a query
            self.enrolled[(enrollment.cohort_id, enrollment.person.nik)] = enrollment

    def build(self, row):
        cohort = self.cohort_of(row)
        nik = reading.digits(row.raw("nik"))
        if not nik:
            row.error("nik", "required")
        if cohort is None or row.outcome.errors:
            return None
        staff = cohort.program.audience == TrainingProgram.Audience.STAFF
        if staff:
            person = self.assistants.get(nik)
            area = person.work_area_id if person else None
        else:
            members = self.members.get(nik, [])
            found = [m for m in members if in_scope(self.user, m.cooperative.village_id)]
            if members and not found:
                row.error("nik", "person_out_of_scope", nik=nik)
                return None
            if len(found) > 1:
                row.error("nik", "ambiguous_person", value=nik, count=len(found))
                return None
            person = found[0] if found else None
            area = person.cooperative.village_id if person else None
        scores = {}
        for key in self.SCORES:
            if row.has(key):
                try:
                    scores[key] = parse_score(row.raw(key))
                except ValueError:
                    row.error(key, "bad_score", value=reading.text(row.raw(key)))
        if row.outcome.errors:
            return None
        if person is None:
            row.error(
                "nik",
                "unknown_participant",
                value=nik,
                who="pendamping" if staff else "pengurus koperasi (masa jabatan berjalan)",
            )
            return None
        if not in_scope(self.user, area):
            row.error("nik", "person_out_of_scope", nik=nik)
            return None
        return (cohort.pk, nik), scores, {"cohort": cohort, "person": person, "scores": scores}

    def existing(self, key):
        return self.enrolled.get(key)

    def new_instance(self, key, values, extra):
        person = extra["person"]
        enrollment = Enrollment(
            cohort=extra["cohort"], **{"assistant" if isinstance(person, Assistant) else "board_member": person}
        )
        return enrollment

    def validate_instance(self, row, instance, present_fields, field_columns):
        """The enrolment rules are enroll_many's, run for the whole file in `check`."""

    def _enroll(self, cohort, outcomes):
        # A file names its people on purpose: someone who already passed is a row error, not
        # silently skipped (enrol a deliberate repeat from the cohort page).
        return services.enroll_many(
            cohort=cohort,
            people=[o.extra["person"] for o in outcomes],
            enrolled_by=self.history_user(),
            passed="refuse",
        )

    def by_cohort(self, outcomes):
        """{cohort pk: rows to write}: new people, and enrolled people whose scores change."""
        groups = defaultdict(list)
        for outcome in outcomes:
            if outcome.action in ("new", "update") and not outcome.errors:
                groups[outcome.extra["cohort"].pk].append(outcome)
        return groups

    def _write_cohort(self, outcomes):
        """Enrol the cohort's new people, then record the file's scores through set_scores_many
        (its rules: 0–100, no score for the withdrawn, a completed post-test stays passing). A
        refused score raises ScoresRefused with the refused rows."""
        cohort = outcomes[0].extra["cohort"]
        new = [o for o in outcomes if o.action == "new"]
        created = {}
        if new:
            for enrollment in self._enroll(cohort, new).created:
                created[enrollment.assistant_id or enrollment.board_member_id] = enrollment.pk
        rows, scores = {}, {}
        for outcome in outcomes:
            given = outcome.extra["scores"]
            if not given:
                continue
            if outcome.action == "new":
                pk, stored = created[outcome.extra["person"].pk], (None, None)
            else:
                pk, stored = outcome.instance.pk, self.stored_scores[outcome.instance.pk]
            scores[pk] = (given.get("pre_test", stored[0]), given.get("post_test", stored[1]))
            rows[pk] = outcome
        if not scores:
            return
        try:
            services.set_scores_many(cohort=cohort, scores=scores, by=self.history_user())
        except ValidationError as exc:
            raise ScoresRefused([(rows[pk], texts) for pk, texts in exc.message_dict.items()]) from None

    def check(self, outcomes):
        """The enrolment and score rules on each cohort's rows inside a savepoint that is rolled
        back: their problems become errors of those rows; nothing is kept."""
        updated = [o.instance.pk for o in outcomes if o.action == "update"]
        self.stored_scores = {  # as stored, not as the file's row set them on the instance
            pk: (pre, post)
            for pk, pre, post in Enrollment.objects.filter(pk__in=updated).values_list("pk", "pre_test", "post_test")
        }
        for outcomes_of_cohort in self.by_cohort(outcomes).values():
            try:
                with transaction.atomic():
                    self._write_cohort(outcomes_of_cohort)
                    transaction.set_rollback(True)
            except ScoresRefused as refused:
                for outcome, texts in refused.rows:
                    column = self.field_columns_cached["post_test"]
                    text = " ".join(texts)
                    outcome.errors.append(
                        RowError(outcome.number, column, "score_refused", message("score_refused", message=text))
                    )
            except ValidationError as exc:  # enroll_many's, by position among the new rows
                new = [o for o in outcomes_of_cohort if o.action == "new"]
                for index, text in getattr(exc, "problems", [(None, " ".join(exc.messages))]):
                    outcome = new[index] if index is not None else outcomes_of_cohort[0]
                    code = "enroll_refused" if index is not None else "cohort_full"
                    column = "NIK" if index is not None else "ID Angkatan"
                    outcome.errors.append(RowError(outcome.number, column, code, message(code, message=text)))

    def write(self, outcomes, progress=None):
        for outcomes_of_cohort in self.by_cohort(outcomes).values():
            try:
                self._write_cohort(outcomes_of_cohort)
            except ValidationError as exc:  # changed since `check`: roll the whole file back
                raise WriteRefused(" ".join(exc.messages)) from None
        if progress:
            progress("write", len(outcomes), len(outcomes))

    def export_value(self, instance, key):
        if key == "role":
            return str(instance.role_label)
        if key == "affiliation":
            return instance.affiliation
        if key == "status":
            return str(instance.get_status_display())
        return super().export_value(instance, key)

    def get_queryset(self):
        return Enrollment.objects.for_user(self.user).filter(cohort__in=Cohort.objects.for_user(self.user))

    def filter_export(self, queryset, **kwargs):
        return queryset.with_people().select_related("cohort__program")


@register
class AttendanceResource(CohortKeyedResource):
    kind = "attendance"
    label = "Daftar hadir pelatihan"
    columns = COHORT_COLUMNS + [
        Column(
            "nik",
            "NIK",
            ("nik peserta", "nomor induk kependudukan", "no ktp"),
            required=True,
            example="1571014506900003",
        ),
        Column("name", "Nama", ("nama peserta", "nama lengkap"), example="Siti Rahmawati"),
        Column("day", "Tanggal", ("hari", "tanggal pelatihan", "tgl"), required=True, example="02/03/2026"),
        Column("present", "Hadir", ("kehadiran", "hadir ya tidak"), required=True, example="Ya"),
        Column("note", "Keterangan", ("catatan", "ket"), example=""),
    ]

    class Meta:
        model = Attendance

    def prepare(self, rows):
        self.load_cohorts()
        cohort_pks = {self.cohorts_in_file(v) for v in rows} - {None}
        self.enrollments = {}
        for enrollment in Enrollment.objects.filter(cohort__in=cohort_pks).select_related("assistant", "board_member"):
            self.enrollments[(enrollment.cohort_id, enrollment.person.nik)] = enrollment
        self.marks = {(a.enrollment_id, a.day): a for a in Attendance.objects.filter(enrollment__cohort__in=cohort_pks)}

    def build(self, row):
        cohort = self.cohort_of(row)
        nik = reading.digits(row.raw("nik"))
        if not nik:
            row.error("nik", "required")
        day = row.parse("day", reading.date, required=True)
        present = row.parse("present", reading.yes_no, required=True)
        note = reading.text(row.raw("note"))[:200]
        if cohort is None or row.outcome.errors:
            return None
        enrollment = self.enrollments.get((cohort.pk, nik))
        if enrollment is None or enrollment.status != Enrollment.Status.REGISTERED:
            row.error("nik", "not_enrolled", value=nik)
            return None
        if not in_scope(self.user, enrollment.region_id):
            row.error("nik", "person_out_of_scope", nik=nik)
            return None
        if day not in cohort.days:
            row.error(
                "day",
                "not_a_cohort_day",
                value=date_format(day),
                start=date_format(cohort.start_date),
                end=date_format(cohort.end_date),
            )
            return None
        fields = {"present": present}
        if row.has("note"):
            fields["note"] = note
        return (enrollment.pk, day), fields, {"cohort": cohort}

    def existing(self, key):
        return self.marks.get(key)

    def new_instance(self, key, values, extra):
        return Attendance(enrollment_id=key[0], day=key[1], **values)

    def validate_instance(self, row, instance, present_fields, field_columns):
        """Days and enrolments are checked in `build`; mark_attendance writes."""

    def describe(self, field_name, value):
        if field_name == "present":
            return "Ya" if value else "Tidak"
        return super().describe(field_name, value)

    def write(self, outcomes, progress=None):
        """One mark_attendance per cohort day, limited to the file's participants: queries grow
        with the number of cohort days in the file, not with its rows."""
        sheets = defaultdict(list)
        for outcome in outcomes:
            if outcome.action in ("new", "update"):
                sheets[(outcome.extra["cohort"].pk, outcome.key[1])].append(outcome)
        for (cohort_pk, day), rows in sheets.items():
            absent, notes = [], {}
            for outcome in rows:
                pk = outcome.key[0]
                if not self.value_of(outcome, "present"):
                    absent.append(pk)
                notes[pk] = self.value_of(outcome, "note")  # the stored note when the file has none
            try:
                services.mark_attendance(
                    cohort=self.cohorts[cohort_pk],
                    day=day,
                    absent=absent,
                    notes=notes,
                    participants=[o.key[0] for o in rows],
                    recorded_by=self.history_user(),
                )
            except ValidationError as exc:
                raise WriteRefused(" ".join(exc.messages)) from None
        if progress:
            progress("write", len(outcomes), len(outcomes))

    def export_value(self, instance, key):
        if key == "day":
            return instance.day
        if key == "present":
            return "Ya" if instance.present else "Tidak"
        return super().export_value(instance, key)

    def get_queryset(self):
        return Attendance.objects.for_user(self.user)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "enrollment__cohort__program", "enrollment__assistant", "enrollment__board_member"
        )
