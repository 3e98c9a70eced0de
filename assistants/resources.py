"""Import/export kinds of this app: assistants (PMO, BA and other pendamping) keyed on NIK, and
BA assignments keyed on the active (BA, cooperative) pair. See imports.resources.BulkResource
for the hooks; assignments keep every rule of assistants.services for the whole file at once."""

from collections import Counter

from django.conf import settings
from django.db.models import Count, Max
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cooperatives.models import Cooperative, Region
from cooperatives.resources import GENDER_OPTIONS, REGION_COLUMNS, VillageKeyedResource
from core import regions
from core.scoping import in_scope, scope_code
from imports import reading
from imports.messages import WriteRefused, message
from imports.registry import register
from imports.resources import IN_LIST_LIMIT, BulkResource, Column, RowError

from .models import Assignment, Assistant
from .services import (
    AssignmentRefused,
    active_loads,
    assignment_problem,
    ba_full,
    caseload_blocks_change,
    caseload_problem,
    create_active_assignments,
    lock_assistants,
)

ROLE_OPTIONS = {reading.normalize_header(v): v for v in Assistant.Role.values} | {
    "pmo": "PMO",
    "projectmanagementoffice": "PMO",
    "ba": "BA",
    "businessassistant": "BA",
    "businessassistantba": "BA",
    "ppkl": "PPKL",
    "dumisake": "DUMISAKE",
    "pendampingdumisake": "DUMISAKE",
    "provinsi": "PROVINSI",
    "pendampingprovinsi": "PROVINSI",
}
STATUS_OPTIONS = {
    "aktif": "active",
    "active": "active",
    "berhenti": "resigned",
    "mengundurkandiri": "resigned",
    "resigned": "resigned",
    "keluar": "resigned",
    "nonaktif": "resigned",
    "tidakaktif": "resigned",
}
STATUS_WORDS = {"active": "aktif", "resigned": "berhenti"}
PROVINCE_PREFIX = ("provinsi ", "prov ")


def by_niks(queryset, field, niks):
    """Rows whose `field` is one of `niks`, in one query whatever their number."""
    niks = set(niks)
    if len(niks) > IN_LIST_LIMIT:
        return queryset
    return queryset.filter(**{f"{field}__in": niks})


def nik_of(row, key):
    nik = reading.digits(row.raw(key))
    if not nik:
        row.error(key, "required")
    return nik


@register
class AssistantResource(BulkResource):
    kind = "assistants"
    label = "Pendamping (PMO, BA, PPKL, Dumisake, Pendamping Provinsi)"
    columns = [
        Column("name", "Nama", ("nama pendamping", "nama lengkap"), required=True, example="Siti Rahmawati"),
        Column(
            "nik", "NIK", ("nomor induk kependudukan", "no ktp", "nik ktp"), required=True, example="1571014506900003"
        ),
        Column("gender", "Jenis Kelamin", ("jk", "l/p", "kelamin"), required=True, example="P"),
        Column("phone", "No. HP", ("hp", "telepon", "no telp", "no hp wa", "nomor hp"), example="0812-3456-7890"),
        Column("email", "Email", ("e-mail", "surel"), example="siti@example.id"),
        Column(
            "role", "Peran", ("jabatan", "posisi", "peran pendamping", "jenis pendamping"), required=True, example="BA"
        ),
        Column(
            "work_area",
            "Wilayah Kerja",
            ("kode wilayah kerja", "wilayah", "kabupaten/kota", "kab/kota", "penempatan", "lokasi tugas"),
            required=True,
            example="15.71",
        ),
        Column(
            "supervisor_nik",
            "NIK PMO Pembina",
            ("nik pmo", "nik pembina", "nik supervisor", "nik atasan"),
            example="1571010101850001",
        ),
        Column(
            "contract_start",
            "Mulai Kontrak",
            ("awal kontrak", "tmt kontrak", "tanggal mulai kontrak"),
            example="01/10/2025",
        ),
        Column("contract_end", "Akhir Kontrak", ("selesai kontrak", "tanggal akhir kontrak"), example="31/12/2026"),
        Column("status", "Status", ("status pendamping", "keaktifan"), example="aktif"),
    ]
    compare_fields = [
        "name",
        "gender",
        "phone",
        "email",
        "role",
        "work_area",
        "supervisor",
        "contract_start",
        "contract_end",
        "status",
    ]

    class Meta:
        model = Assistant

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.field_columns_cached |= {"work_area_id": "Wilayah Kerja", "supervisor_id": "NIK PMO Pembina"}

    def prepare(self, rows):
        niks = {reading.digits(v.get(k)) for v in rows for k in ("nik", "supervisor_nik") if v.get(k) is not None}
        self.by_nik = {a.nik: a for a in by_niks(Assistant.objects.all(), "nik", niks)}
        self.nik_by_pk = {a.pk: a.nik for a in self.by_nik.values()}
        bas = [a.pk for a in self.by_nik.values() if a.role == Assistant.Role.BA]
        loads = Assignment.objects.active().values("assistant_id").annotate(n=Count("pk"))
        if len(bas) <= IN_LIST_LIMIT:
            loads = loads.filter(assistant_id__in=bas)
        self.loads = dict(loads.values_list("assistant_id", "n"))
        self.areas = {r.code: r for r in Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.REGENCY])}
        self.area_index = reading.RegionIndex(self.areas.values())
        scope = scope_code(self.user) or ""
        provinces = [c for c, r in self.areas.items() if r.level == Region.Level.PROVINCE]
        self.name_provinces = [regions.province_of(scope)] if scope else provinces

    def work_area_of(self, row):
        """A province or regency by code (dotted, undotted, Excel number) or by name."""
        raw = reading.text(row.raw("work_area"))
        code = None
        if raw.replace(".", "").isdigit():
            code = row.parse("work_area", reading.region_code)
            if not code:
                return None
            if Region.level_of(code) not in (Region.Level.PROVINCE, Region.Level.REGENCY):
                row.error("work_area", "not_a_work_area", value=code)
                return None
            if code not in self.areas:
                row.error("work_area", "unknown_region", value=code)
                return None
        else:
            lowered = raw.lower()
            if lowered.startswith(PROVINCE_PREFIX):
                try:
                    code = self.area_index.match(lowered.split(" ", 1)[1], [None]).code
                except reading.CellError as exc:
                    row.error("work_area", exc.code, **exc.params)
                    return None
            else:
                try:
                    code = self.area_index.match(raw, self.name_provinces).code
                except reading.CellError as exc:
                    try:
                        code = self.area_index.match(raw, [None]).code
                    except reading.CellError:
                        row.error("work_area", exc.code, **exc.params)
                        return None
        if not in_scope(self.user, code):
            row.error("work_area", "area_out_of_scope", value=f"{code} {self.areas[code].name}")
            return None
        return code

    def build(self, row):
        nik = nik_of(row, "nik")
        values = {
            "name": reading.text(row.raw("name")),
            "nik": nik,
            "gender": row.parse("gender", reading.choice, GENDER_OPTIONS, required=True),
            "role": row.parse("role", reading.choice, ROLE_OPTIONS, required=True),
            "work_area_id": self.work_area_of(row),
        }
        if not values["name"]:
            row.error("name", "required")
        for key in ("phone", "email"):
            if row.has(key):
                values[key] = reading.text(row.raw(key))
        for key in ("contract_start", "contract_end"):
            if row.has(key):
                values[key] = row.parse(key, reading.date)
        if row.has("status"):
            values["status"] = row.parse("status", reading.choice, STATUS_OPTIONS)
        supervisor_nik = reading.digits(row.raw("supervisor_nik")) if row.has("supervisor_nik") else None
        if supervisor_nik:
            stored = self.by_nik.get(supervisor_nik)
            values["supervisor_id"] = stored.pk if stored else None
        if row.outcome.errors:
            return None
        stored = self.by_nik.get(nik)
        if stored is not None:
            if not in_scope(self.user, stored.work_area_id):
                row.error("nik", "person_out_of_scope", nik=nik)
                return None
            load = self.loads.get(stored.pk, 0)
            status = values.get("status", stored.status)
            if caseload_blocks_change(
                stored, role=values["role"], work_area_id=values["work_area_id"], status=status, load=load
            ):
                row.error("role", "has_caseload", **caseload_problem(stored, load).params)
                return None
        return nik, values, {"supervisor_nik": supervisor_nik}

    def existing(self, key):
        return self.by_nik.get(key)

    def describe(self, field_name, value):
        if field_name == "supervisor_id" and value:
            return self.nik_by_pk.get(value, value)
        if field_name == "status":
            return STATUS_WORDS.get(value, value)
        return super().describe(field_name, value)

    def extra_diff(self, existing, extra):
        nik = extra["supervisor_nik"]
        if nik and nik not in self.by_nik:  # a PMO new in this file
            return {"NIK PMO Pembina": (self.describe("supervisor_id", existing.supervisor_id), nik)}
        return {}

    def validate_instance(self, row, instance, present_fields, field_columns):
        # clean() reads the work area and the supervisor: the area comes from memory (no
        # query); the supervisor rule is checked in `check` against the file and the database.
        supervisor_id = instance.supervisor_id
        instance.supervisor_id = None
        if instance.work_area_id in self.areas:
            Assistant.work_area.field.set_cached_value(instance, self.areas[instance.work_area_id])
        columns = field_columns | {"work_area": "Wilayah Kerja", "contract_end": "Akhir Kontrak"}
        super().validate_instance(row, instance, present_fields, columns)
        instance.supervisor_id = supervisor_id

    def check(self, outcomes):
        """Supervisors: a PMO (its role as this file leaves it), stored or a valid row of this
        file, in the user's scope, never the person themselves, without cycles among new rows."""
        final = {nik: (a.role, a.work_area_id) for nik, a in self.by_nik.items()}
        for outcome in outcomes:
            if outcome.key is not None and not outcome.errors:
                final[outcome.key] = (self.value_of(outcome, "role"), self.value_of(outcome, "work_area_id"))
        pending = {
            o.key: o.extra["supervisor_nik"]
            for o in outcomes
            if o.key and not o.errors and o.extra.get("supervisor_nik") and o.extra["supervisor_nik"] not in self.by_nik
        }
        for outcome in outcomes:
            nik = outcome.extra.get("supervisor_nik") if outcome.key else None
            if not nik or outcome.errors:
                continue
            column = "NIK PMO Pembina"
            if nik == outcome.key:
                code, params = "self_supervisor", {}
            elif nik not in final:
                code, params = "unknown_supervisor", {"value": nik}
            elif final[nik][0] != Assistant.Role.PMO:
                code, params = "supervisor_not_pmo", {"value": nik}
            elif not in_scope(self.user, final[nik][1]) and not self._kept(outcome.key, nik):
                code, params = "supervisor_out_of_scope", {"value": nik}
            elif self._cycle(outcome.key, pending):
                code, params = "supervisor_cycle", {"value": nik}
            else:
                continue
            outcome.errors.append(RowError(outcome.number, column, code, message(code, **params)))

    def _kept(self, nik, supervisor_nik):
        """The stored supervisor stays (an export re-imported): no new choice to scope."""
        person, supervisor = self.by_nik.get(nik), self.by_nik.get(supervisor_nik)
        return person is not None and supervisor is not None and person.supervisor_id == supervisor.pk

    @staticmethod
    def _cycle(start, pending):
        seen, nik = {start}, pending.get(start)
        while nik in pending:
            if nik in seen:
                return True
            seen.add(nik)
            nik = pending[nik]
        return nik in seen

    def write(self, outcomes, progress=None):
        """New people in waves (a PMO new in the file before those it supervises: waves grow
        with the depth of supervision, not with rows), then every update in bulk; each write
        leaves a history record by the importing user."""
        user = self.history_user()
        pks = {nik: a.pk for nik, a in self.by_nik.items()}
        waiting = [o for o in outcomes if o.action == "new"]
        while waiting:
            ready = [o for o in waiting if not o.extra["supervisor_nik"] or o.extra["supervisor_nik"] in pks]
            if not ready:  # cannot happen after `check` (cycles are errors)
                raise WriteRefused(message("supervisor_cycle", value="?"))
            people = []
            for outcome in ready:
                person = self.restore(outcome.values)
                if outcome.extra["supervisor_nik"]:
                    person.supervisor_id = pks[outcome.extra["supervisor_nik"]]
                people.append(person)
            bulk_create_with_history(people, Assistant, batch_size=self.batch_size, default_user=user)
            pks |= {p.nik: p.pk for p in people}
            done = {id(o) for o in ready}
            waiting = [o for o in waiting if id(o) not in done]
        changed = []
        for outcome in outcomes:
            if outcome.action == "update":
                if outcome.extra["supervisor_nik"]:
                    outcome.instance.supervisor_id = pks[outcome.extra["supervisor_nik"]]
                changed.append(outcome.instance)
        self.recheck_caseloads(changed)
        if changed:
            bulk_update_with_history(
                changed, Assistant, self.compare_fields, batch_size=self.batch_size, default_user=user
            )
        if progress:
            progress("write", len(outcomes), len(outcomes))

    @staticmethod
    def recheck_caseloads(changed):
        """The caseload rule again, under the BA row locks that assign() takes: a cooperative
        assigned between this file's validation and its write must not end up on a BA the file
        resigns, re-roles or moves (the same rule as the pages, services.caseload_blocks_change)."""
        bas = [a for a in changed if a.pk]
        if not bas:
            return
        locked = lock_assistants(bas)
        loads = active_loads(list(locked))
        for assistant in bas:
            stored, load = locked[assistant.pk], loads[assistant.pk]
            if caseload_blocks_change(
                stored, role=assistant.role, work_area_id=assistant.work_area_id, status=assistant.status, load=load
            ):
                raise WriteRefused(caseload_problem(stored, load).message)

    # --- export -------------------------------------------------------------------------------

    def export_value(self, instance, key):
        if key == "work_area":
            return instance.work_area_id
        if key == "supervisor_nik":
            if not instance.supervisor_id:
                return ""
            return instance.supervisor.masked_nik if getattr(self, "mask_nik", False) else instance.supervisor.nik
        if key == "status":
            return STATUS_WORDS.get(instance.status, instance.status)
        if key == "nik" and getattr(self, "mask_nik", False):
            return instance.masked_nik
        return super().export_value(instance, key)

    def get_queryset(self):
        return Assistant.objects.for_user(self.user)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("supervisor")


# The column each assignment problem is reported under.
PROBLEM_COLUMNS = {
    "not_a_ba": "assistant_nik",
    "assistant_inactive": "assistant_nik",
    "outside_work_area": "village_code",
    "cooperative_taken": "village_code",
    "starts_before_previous_end": "start_date",
}


@register
class AssignmentResource(VillageKeyedResource):
    kind = "assignments"
    label = "Penugasan Business Assistant ke koperasi"
    columns = [
        Column(
            "assistant_nik",
            "NIK BA",
            ("nik business assistant", "nik pendamping", "nik"),
            required=True,
            example="1571014506900003",
        ),
        *REGION_COLUMNS,
        Column(
            "start_date",
            "Tanggal Mulai",
            ("mulai", "tmt", "tanggal penugasan", "mulai mendampingi"),
            required=True,
            example="01/10/2025",
        ),
        Column("reason", "Alasan", ("keterangan", "alasan penugasan"), example="Penugasan awal"),
    ]

    class Meta:
        model = Assignment

    def prepare(self, rows):
        self.load_villages(rows)
        self.cooperatives = {
            c.village_id: c
            for c in Cooperative.objects.filter(self.file_cooperatives_q()).only("pk", "name", "village_id")
        }
        coop_query = self.file_cooperatives_q("cooperative__")
        by_pk = {c.pk: c for c in self.cooperatives.values()}
        self.active = {}
        for current in Assignment.objects.active().filter(coop_query).select_related("assistant"):
            if current.cooperative_id in by_pk:  # its label names it: no query per unchanged row
                current.cooperative = by_pk[current.cooperative_id]
            self.active[current.cooperative_id] = current
        self.previous_end = dict(
            Assignment.objects.filter(coop_query, end_date__isnull=False)
            .values("cooperative_id")
            .annotate(last=Max("end_date"))
            .values_list("cooperative_id", "last")
        )
        niks = {reading.digits(v.get("assistant_nik")) for v in rows if v.get("assistant_nik") is not None}
        self.by_nik = {a.nik: a for a in by_niks(Assistant.objects.select_related("work_area"), "nik", niks)}
        bas = [a.pk for a in self.by_nik.values()]
        loads = Assignment.objects.active().values("assistant_id").annotate(n=Count("pk"))
        if len(bas) <= IN_LIST_LIMIT:
            loads = loads.filter(assistant_id__in=bas)
        self.loads = dict(loads.values_list("assistant_id", "n"))

    def build(self, row):
        nik = nik_of(row, "assistant_nik")
        village_code = self.village_of(row)
        start_date = row.parse("start_date", reading.date, required=True)
        reason = reading.text(row.raw("reason"))[:300]
        if row.outcome.errors:
            return None
        assistant = self.by_nik.get(nik)
        cooperative = self.cooperatives.get(village_code)
        if assistant is None:
            row.error("assistant_nik", "unknown_assistant", value=nik)
        elif not in_scope(self.user, assistant.work_area_id):
            row.error("assistant_nik", "person_out_of_scope", nik=nik)  # before any message that names them
        if cooperative is None:
            row.error("village_code", "no_cooperative", value=village_code)
        if row.outcome.errors:
            return None
        current = self.active.get(cooperative.pk)
        problem = assignment_problem(
            assistant,
            cooperative,
            current=current,
            previous_end=self.previous_end.get(cooperative.pk),
            start_date=start_date,
        )
        if problem is not None:  # the same rules as the pages, on the state loaded for the whole file
            row.error(PROBLEM_COLUMNS[problem.code], problem.code, **problem.params)
            return None
        # An active pair is left as it is (an import never rewrites a running assignment).
        fields = {} if current is not None else {"start_date": start_date, "reason": reason}
        return (nik, village_code), fields, {"assistant": assistant, "cooperative": cooperative}

    def existing(self, key):
        cooperative = self.cooperatives.get(key[1])
        current = self.active.get(cooperative.pk) if cooperative else None
        return current if current is not None and current.assistant.nik == key[0] else None

    def new_instance(self, key, values, extra):
        row = self.instantiate(
            {
                "assistant_id": extra["assistant"].pk,
                "cooperative_id": extra["cooperative"].pk,
                "assigned_by_id": getattr(self.history_user(), "pk", None),
            }
            | values
        )
        # Its label names both (str()): from memory, not a query per row.
        Assignment.assistant.field.set_cached_value(row, extra["assistant"])
        Assignment.cooperative.field.set_cached_value(row, extra["cooperative"])
        return row

    def validate_instance(self, row, instance, present_fields, field_columns):
        """Dates and the one-active rule are checked in build/check, without per-row queries."""

    def check(self, outcomes):
        """The file with the database: a cooperative once, and each BA within the cap."""
        cap = settings.KDKMP_BA_CAPACITY
        seen, loads = {}, Counter()
        for outcome in outcomes:
            if outcome.action != "new" or outcome.errors:
                continue
            assistant, cooperative = outcome.extra["assistant"], outcome.extra["cooperative"]
            if cooperative.pk in seen:
                outcome.errors.append(
                    RowError(
                        outcome.number,
                        "Kode Desa",
                        "cooperative_twice",
                        message("cooperative_twice", cooperative=cooperative.name, first=seen[cooperative.pk]),
                    )
                )
                continue
            seen[cooperative.pk] = outcome.number
            loads[assistant.pk] += 1
            load = self.loads.get(assistant.pk, 0) + loads[assistant.pk]
            if load > cap:
                outcome.errors.append(
                    RowError(
                        outcome.number,
                        "NIK BA",
                        "ba_full",
                        ba_full(assistant, cooperative, load - 1).message,
                    )
                )

    def write(self, outcomes, progress=None):
        """As assistants.services does: lock the BA rows, recount their caseloads under the lock,
        then insert with history rows. A race lost meanwhile rolls the whole file back."""
        new = [o for o in outcomes if o.action == "new"]
        if not new:
            return
        locked = lock_assistants([o.extra["assistant"] for o in new])
        loads = active_loads(list(locked))
        added = Counter(o.extra["assistant"].pk for o in new)
        first_cooperative = {}
        for o in new:
            first_cooperative.setdefault(o.extra["assistant"].pk, o.extra["cooperative"])
        for pk, count in added.items():
            assistant = locked[pk]
            # The BA as stored now, under the lock: still an active BA of that regency?
            problem = assignment_problem(assistant, first_cooperative[pk])
            if problem is not None:
                raise WriteRefused(problem.message)
            if loads[pk] + count > settings.KDKMP_BA_CAPACITY:
                raise WriteRefused(
                    message(
                        "ba_full_meanwhile",
                        name=assistant.name,
                        load=loads[pk] + count,
                        capacity=settings.KDKMP_BA_CAPACITY,
                    )
                )
        rows = [self.restore(o.values) for o in new]
        try:
            create_active_assignments(rows)
        except AssignmentRefused as exc:
            raise WriteRefused(" ".join(exc.messages)) from None
        if progress:
            progress("write", len(outcomes), len(outcomes))

    def describe(self, field_name, value):
        if hasattr(value, "year"):
            return date_format(value)
        return super().describe(field_name, value)

    # --- export -------------------------------------------------------------------------------

    def village_for_export(self, instance):
        return instance.cooperative.village

    def export_value(self, instance, key):
        if key == "assistant_nik":
            return instance.assistant.nik
        return super().export_value(instance, key)

    def get_queryset(self):
        return Assignment.objects.for_user(self.user).active()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("assistant", "cooperative__village__parent__parent")
