"""Import/export kinds of this app: cooperatives (with legal data, milestones and business units)
and board members. Each is a django-import-export resource registered as an import kind; see
imports.resources.BulkResource for the hooks."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from core import regions
from core.problems import Problem
from core.scoping import in_scope, scope_code
from core.validators import parse_rupiah
from imports import reading
from imports.messages import WriteRefused, message
from imports.registry import register
from imports.resources import IN_LIST_LIMIT, BulkResource, Column, RowError, record_history

from .models import BoardMember, BusinessUnit, Cooperative, Region
from .services import seats_held_twice

REGION_COLUMNS = [
    Column(
        "village_code",
        "Kode Desa",
        (
            "kode desa/kelurahan",
            "kode kelurahan",
            "kode wilayah",
            "kode kemendagri",
            "kode",
            "kode desa kelurahan",
            "kd desa",
        ),
        example="15.71.01.1001",
    ),
    Column(
        "regency_name",
        "Kabupaten/Kota",
        ("kabupaten", "kota", "kab/kota", "kab kota", "nama kabupaten"),
        example="Kota Jambi",
    ),
    Column("district_name", "Kecamatan", ("kec", "nama kecamatan"), example="Danau Teluk"),
    Column(
        "village_name",
        "Desa/Kelurahan",
        ("desa", "kelurahan", "nama desa", "nama kelurahan", "desa kelurahan"),
        example="Pasir Panjang",
    ),
]

SCHEME_OPTIONS = {reading.normalize_header(v): v for v in Cooperative.Scheme.values}
SCHEME_OPTIONS |= {
    "revitalisasikoperasi": "revitalisasi",
    "pengembangankoperasi": "pengembangan",
    "pembentukanbaru": "baru",
}

MILESTONE_COLUMNS = [
    Column(
        "musdesus_date",
        "Tanggal Musdesus",
        ("musdesus", "tgl musdesus", "tanggal musdesus/muskel"),
        example="14/04/2025",
    ),
    Column(
        "notary_deed_date",
        "Tanggal Akta Notaris",
        ("akta notaris", "tgl akta", "tanggal akta"),
        example="25 April 2025",
    ),
    Column(
        "legal_entity_date",
        "Tanggal Badan Hukum",
        ("tanggal sk ahu", "tgl badan hukum", "tanggal ahu"),
        example="2025-06-02",
    ),
    Column("simkopdes_date", "Tanggal Akun SIMKOPDES", ("simkopdes", "akun simkopdes"), example=""),
    Column(
        "business_plan_date", "Tanggal Rencana Usaha", ("rencana usaha", "business plan", "tanggal proposal bisnis")
    ),
    Column("loan_proposal_date", "Tanggal Pengajuan Pinjaman", ("pengajuan pinjaman", "proposal pinjaman")),
    Column("outlet_operating_date", "Tanggal Gerai Beroperasi", ("gerai beroperasi", "tanggal operasional gerai")),
]
DATE_FIELDS = [c.key for c in MILESTONE_COLUMNS]

# One column per standard business unit; its cell is the unit's status (or Ya = the unit exists).
UNIT_COLUMNS = {
    BusinessUnit.Type.OFFICE: Column("unit_kantor", "Unit Kantor", ("kantor koperasi",), example="beroperasi"),
    BusinessUnit.Type.GROCERY: Column(
        "unit_sembako", "Unit Gerai Sembako", ("gerai sembako", "sembako"), example="pembangunan"
    ),
    BusinessUnit.Type.SAVINGS_LOANS: Column(
        "unit_simpan_pinjam", "Unit Simpan Pinjam", ("simpan pinjam",), example="rencana"
    ),
    BusinessUnit.Type.CLINIC: Column("unit_klinik", "Unit Klinik Desa", ("klinik desa", "klinik")),
    BusinessUnit.Type.PHARMACY: Column("unit_apotek", "Unit Apotek Desa", ("apotek desa", "apotek")),
    BusinessUnit.Type.COLD_STORAGE: Column("unit_cold_storage", "Unit Cold Storage", ("cold storage", "pergudangan")),
    BusinessUnit.Type.LOGISTICS: Column("unit_logistik", "Unit Logistik", ("logistik",)),
}
UNIT_STATUS_OPTIONS = {
    "rencana": BusinessUnit.Status.PLANNED,
    "direncanakan": BusinessUnit.Status.PLANNED,
    "planned": BusinessUnit.Status.PLANNED,
    "pembangunan": BusinessUnit.Status.CONSTRUCTION,
    "dibangun": BusinessUnit.Status.CONSTRUCTION,
    "konstruksi": BusinessUnit.Status.CONSTRUCTION,
    "construction": BusinessUnit.Status.CONSTRUCTION,
    "beroperasi": BusinessUnit.Status.OPERATING,
    "operasional": BusinessUnit.Status.OPERATING,
    "operating": BusinessUnit.Status.OPERATING,
}
UNIT_STATUS_WORDS = {
    BusinessUnit.Status.PLANNED: "rencana",
    BusinessUnit.Status.CONSTRUCTION: "pembangunan",
    BusinessUnit.Status.OPERATING: "beroperasi",
}


def _unit_status(value):
    """A status word, or Ya (the unit exists, status kept or planned) / Tidak (no change)."""
    key = reading.normalize_header(value)
    if key in UNIT_STATUS_OPTIONS:
        return UNIT_STATUS_OPTIONS[key]
    try:
        flag = reading.yes_no(value)
    except reading.CellError:
        raise reading.CellError(
            "bad_choice", value=reading.text(value), options="rencana, pembangunan, beroperasi, Ya, Tidak"
        ) from None
    return True if flag else None


def _province_q(field, codes):
    """Rows under the provinces of the given codes: one query whatever the number of rows."""
    query = Q()
    for province in {regions.province_of(c) for c in codes}:
        query |= Q(**{f"{field}__startswith": f"{province}."})
    return query


class VillageKeyedResource(BulkResource):
    """Kinds whose rows name a village by code, or by regency/district/village names."""

    def load_villages(self, rows, code_key="village_code"):
        """Villages of every province named in the file's codes, in one query; the user's scope
        is checked per row so that "outside your region" differs from "no such village"."""
        provinces = set()
        for values in rows:
            code = reading.text(values.get(code_key))
            digits = code.replace(".", "")[:2]
            if len(digits) == 2 and digits.isdigit():
                provinces.add(digits)
        # code -> (name, kind): tuples, not model instances, to keep national files small in
        # memory; `village_instance` builds a Region when a row needs one.
        self.villages = {}
        if provinces:
            query = Q()
            for province in provinces:
                query |= regions.beneath_q("code", province)
            kinds = {k: k for k in Region.VillageKind.values}
            villages = Region.objects.filter(query, level=Region.Level.VILLAGE).values_list("code", "name", "kind")
            self.villages = {
                code: (name, kinds.get(kind, kind)) for code, name, kind in villages.iterator(chunk_size=5000)
            }
        self.region_index = None
        if any(values.get("village_name") and not values.get(code_key) for values in rows):
            # Names without codes: the user's scope only (one query).
            in_reach = (
                Region.objects.for_user(self.user)
                .exclude(level=Region.Level.PROVINCE)
                .only("code", "name", "parent_id", "kind", "level")
            )
            self.region_index = reading.RegionIndex(in_reach)
            scope = scope_code(self.user) or ""
            self.name_provinces = (
                [regions.province_of(scope)]
                if scope
                else sorted(
                    {r.parent_id for r in self.region_index.by_code.values() if r.level == Region.Level.REGENCY}
                )
            )

    def village_instance(self, code):
        if self.region_index is not None and code in self.region_index.by_code:
            return self.region_index.by_code[code]
        name, kind = self.villages[code]
        # Positional arguments in field order (code, name, level, parent, kind): Django's fast path.
        return Region(code, name, Region.Level.VILLAGE, regions.parent_of(code), kind)

    def village_of(self, row):
        """The code of the row's village, from its code or from regency/district/village names
        (None after recording the error)."""
        if row.raw("village_code") not in (None, ""):
            code = row.parse("village_code", reading.region_code)
            if not code:
                return None
            if Region.level_of(code) != Region.Level.VILLAGE:
                row.error("village_code", "not_a_village_code", value=code)
                return None
            if code not in self.villages:
                row.error("village_code", "unknown_village", value=code)
                return None
            if not in_scope(self.user, code):
                row.error("village_code", "out_of_scope", value=code)
                return None
            return code
        if self.region_index is None or not row.raw("village_name"):
            row.error("village_code", "required")
            return None
        return self._village_by_names(row)

    def _village_by_names(self, row):
        index = self.region_index
        scope = scope_code(self.user) or ""
        try:
            if Region.level_of(scope) == Region.Level.REGENCY:
                regency_codes = [scope]
                if row.raw("regency_name"):
                    regency_codes = [index.match(row.raw("regency_name"), self.name_provinces).code]
            else:
                if not row.raw("regency_name"):
                    row.error("regency_name", "required")
                    return None
                regency_codes = [index.match(row.raw("regency_name"), self.name_provinces).code]
        except reading.CellError as exc:
            row.error("regency_name", exc.code, **exc.params)
            return None
        try:
            if row.raw("district_name"):
                district_codes = [index.match(row.raw("district_name"), regency_codes).code]
            else:
                district_codes = [r.code for r in index.children(regency_codes[0])]
        except reading.CellError as exc:
            row.error("district_name", exc.code, **exc.params)
            return None
        try:
            return index.match(row.raw("village_name"), district_codes).code
        except reading.CellError as exc:
            row.error("village_name", exc.code, **exc.params)
            return None

    def file_cooperatives_q(self, path=""):
        """The cooperatives the file's rows may name (with path "cooperative__": the rows pointing
        at them): under the provinces of its village codes and, when it names villages by name,
        the user's whole scope. One query whatever the number of rows."""
        codes = list(self.villages)
        query = _province_q(f"{path}village__code", codes) if codes else Q(pk__in=[])
        if self.region_index is not None:
            query |= Q(**{f"{path}pk__in": Cooperative.objects.for_user(self.user).values("pk")})
        return query

    def missing_columns(self, present):
        missing = super().missing_columns(present)
        if "village_code" not in present and "village_name" not in present:
            missing.insert(0, "Kode Desa")
        return missing

    def export_value(self, instance, key):
        village = self.village_for_export(instance)
        if key == "village_code":
            return village.code
        if key == "village_name":
            return village.name
        if key == "district_name":
            return village.parent.name
        if key == "regency_name":
            return village.parent.parent.name
        return super().export_value(instance, key)


@register
class CooperativeResource(VillageKeyedResource):
    kind = "cooperatives"
    label = "Koperasi (data hukum, tahapan, unit usaha)"
    columns = REGION_COLUMNS + [
        Column(
            "name",
            "Nama Koperasi",
            ("koperasi", "nama kdkmp", "nama kdmp", "nama kkmp"),
            example="Koperasi Kelurahan Merah Putih Pasir Panjang",
        ),
        Column("formation_scheme", "Skema Pembentukan", ("skema", "pola pembentukan"), example="baru"),
        Column(
            "ahu_number",
            "Nomor AHU",
            ("no ahu", "nomor sk ahu", "no sk ahu", "nomor badan hukum"),
            example="AHU-0012345.AH.01.29.TAHUN 2025",
        ),
        Column(
            "cooperative_number", "Nomor Induk Koperasi", ("nik koperasi", "no induk koperasi"), example="1571010010001"
        ),
        Column("nib", "NIB", ("nomor induk berusaha",), example="1234567890123"),
        Column("npwp", "NPWP", ("no npwp",), example="01.234.567.8-901.000"),
        *MILESTONE_COLUMNS,
        Column("members_count", "Jumlah Anggota", ("anggota", "jml anggota"), example=120),
        Column("address", "Alamat", ("alamat koperasi",), example="Jl. Pasar No. 1"),
        Column(
            "phone",
            "Telepon",
            ("no hp", "hp", "no telp", "telp", "nomor telepon", "no hp wa"),
            example="0812-3456-7890",
        ),
        Column("email", "Email", ("e-mail", "surel"), example=""),
        *UNIT_COLUMNS.values(),
    ]
    compare_fields = [
        "name",
        "formation_scheme",
        "ahu_number",
        "cooperative_number",
        "nib",
        "npwp",
        *DATE_FIELDS,
        "members_count",
        "address",
        "phone",
        "email",
        "updated_at",
    ]
    TEXT_FIELDS = ["name", "ahu_number", "cooperative_number", "address", "phone", "email", "npwp"]
    updates_as_values = True

    class Meta:
        model = Cooperative

    def prepare(self, rows):
        self.load_villages(rows)
        codes = list(self.villages)
        # village code -> the stored cooperative as a tuple of its field values, and
        # (cooperative pk, unit type) -> (pk, status, started_on): tuples, not model instances,
        # which on a national file would be ~200 MB more (`existing` builds one per row).
        self.units = {}
        self._field_order()
        village_at = self._positions["village_id"]
        # The file's villages: under the provinces of its codes and, when it names villages by
        # name, the user's whole scope (a query each, whatever the number of rows).
        cooperatives_q = _province_q("village__code", codes) if codes else Q(pk__in=[])
        shared_q = _province_q("region__code", codes) if codes else Q(pk__in=[])
        if self.region_index is not None:
            scope = scope_code(self.user)
            cooperatives_q |= Q(pk__in=Cooperative.objects.for_user(self.user).values("pk"))
            # (Q() | x is x: the nation's "everything" must replace, not join, the codes' filter.)
            shared_q = shared_q | regions.beneath_q("region__code", scope) if scope else Q()
        # Villages another cooperative serves jointly cannot seat a new one.
        self.shared = dict(
            Cooperative.extra_villages.through.objects.filter(shared_q).values_list("region_id", "cooperative__name")
        )
        stored = self.stored_rows(Cooperative.objects.filter(cooperatives_q))
        self.cooperatives = {row[village_at]: row for row in stored}
        units = (
            BusinessUnit.objects.filter(cooperative__in=Cooperative.objects.filter(cooperatives_q).values("pk"))
            .exclude(unit_type=BusinessUnit.Type.OTHER)
            .values_list("cooperative_id", "unit_type", "pk", "status", "started_on")
            .iterator(chunk_size=5000)
        )
        for cooperative_id, unit_type, *unit in units:
            self.units[cooperative_id, unit_type] = tuple(unit)
        self.seated = set(self.cooperatives)  # `existing` takes each stored row out as it is read

    def build(self, row):
        village_code = self.village_of(row)
        values = {}
        for key in self.TEXT_FIELDS:
            if row.has(key):
                values[key] = reading.text(row.raw(key))
        if row.has("nib"):
            values["nib"] = reading.digits(row.raw("nib"))
        if row.has("formation_scheme"):
            values["formation_scheme"] = row.parse("formation_scheme", reading.choice, SCHEME_OPTIONS)
        for key in DATE_FIELDS:
            if row.has(key):
                values[key] = row.parse(key, reading.date)
        if row.has("members_count"):
            values["members_count"] = row.parse("members_count", reading.integer)
        units = {}
        for unit_type, column in UNIT_COLUMNS.items():
            if row.has(column.key):
                status = row.parse(column.key, _unit_status)
                if status is not None:
                    units[unit_type] = status
        if village_code in self.shared and village_code not in self.seated:
            row.error("village_code", "village_shared", value=village_code, cooperative=self.shared[village_code])
        if village_code is None or row.outcome.errors:
            return None
        if not values.get("name"):
            values.pop("name", None)
        return village_code, values, {"units": units}

    def existing(self, key):
        # Taken out: the row's outcome keeps its own tuple (one per cooperative, not two). Each
        # key is asked once (a second row with it is a duplicate, refused before).
        stored = self.cooperatives.pop(key, None)
        return None if stored is None else self.restore_stored(stored)

    def validate_instance(self, row, instance, present_fields, field_columns):
        # clean() reads the village: give it the one from the row (no query), then let it go so
        # that a national file does not keep 83,762 Region objects alive until the write.
        if not Cooperative.village.is_cached(instance):
            instance.village = self.village_instance(instance.village_id)
        super().validate_instance(row, instance, present_fields, field_columns)
        Cooperative.village.field.delete_cached_value(instance)

    def new_instance(self, key, values, extra):
        village = self.village_instance(key)
        cooperative = self.instantiate(
            {
                "name": Cooperative.official_name(village),
                "village_id": key,
                "kind": Cooperative.kind_for(village),
            }
            | values
        )
        Cooperative.village.field.set_cached_value(cooperative, village)  # for clean(), no query
        return cooperative

    def extra_diff(self, existing, extra):
        diff = {}
        for unit_type, status in extra["units"].items():
            header = UNIT_COLUMNS[unit_type].header
            unit = self.units.get((existing.pk, unit_type))
            if unit is None:
                diff[header] = ("–", UNIT_STATUS_WORDS[BusinessUnit.Status.PLANNED if status is True else status])
            elif status is not True and unit[1] != status:
                diff[header] = (UNIT_STATUS_WORDS[unit[1]], UNIT_STATUS_WORDS[status])
        return diff

    def write_chunk(self, outcomes):
        super().write_chunk(outcomes)  # new cooperatives get their pk back (RETURNING)
        new_units, changed_units = [], []
        for outcome in outcomes:
            if outcome.action not in ("new", "update"):
                continue
            cooperative = outcome.instance
            for unit_type, status in outcome.extra["units"].items():
                unit = self.units.get((cooperative.pk, unit_type)) if outcome.action == "update" else None
                if unit is None:
                    new_units.append(
                        BusinessUnit(
                            cooperative_id=cooperative.pk,
                            unit_type=unit_type,
                            status=BusinessUnit.Status.PLANNED if status is True else status,
                        )
                    )
                elif status is not True and unit[1] != status:
                    pk, _status, started_on = unit
                    # The start date belongs to an operating unit only.
                    started_on = started_on if status == BusinessUnit.Status.OPERATING else None
                    changed_units.append(
                        BusinessUnit(
                            pk=pk,
                            cooperative_id=cooperative.pk,
                            unit_type=unit_type,
                            status=status,
                            started_on=started_on,
                        )
                    )
        user = self.history_user()
        BusinessUnit.objects.bulk_create(new_units)
        record_history(BusinessUnit, [u.pk for u in new_units], user=user, history_type="+")
        if changed_units:
            BusinessUnit.objects.bulk_update(changed_units, ["status", "started_on"])
            record_history(BusinessUnit, [u.pk for u in changed_units], user=user, history_type="~")

    def village_for_export(self, instance):
        return instance.village

    def export_value(self, instance, key):
        for unit_type, column in UNIT_COLUMNS.items():
            if key == column.key:
                for unit in instance.business_units.all():
                    if unit.unit_type == unit_type:
                        return UNIT_STATUS_WORDS[unit.status]
                return ""
        return super().export_value(instance, key)

    def get_queryset(self):
        return Cooperative.objects.for_user(self.user)

    def filter_export(self, queryset, **kwargs):
        """Regions and units in a fixed number of queries, whoever passes the queryset."""
        return queryset.select_related("village__parent__parent").prefetch_related("business_units")


GENDER_OPTIONS = {
    "l": "L",
    "lakilaki": "L",
    "pria": "L",
    "male": "L",
    "m": "L",
    "p": "P",
    "perempuan": "P",
    "wanita": "P",
    "female": "P",
    "f": "P",
}
POSITION_OPTIONS = {reading.normalize_header(v): v for v in BoardMember.Position.values} | {
    "ketua": "KETUA",
    "wakilketuausaha": "WAKIL_KETUA_USAHA",
    "wakilketuabidangusaha": "WAKIL_KETUA_USAHA",
    "wakilketuaanggota": "WAKIL_KETUA_ANGGOTA",
    "wakilketuakeanggotaan": "WAKIL_KETUA_ANGGOTA",
    "wakilketuabidangkeanggotaan": "WAKIL_KETUA_ANGGOTA",
    "sekretaris": "SEKRETARIS",
    "bendahara": "BENDAHARA",
    "ketuapengawas": "KETUA_PENGAWAS",
    "anggotapengawas": "ANGGOTA_PENGAWAS",
    "pengawas": "ANGGOTA_PENGAWAS",
    "manajer": "MANAJER",
    "manager": "MANAJER",
}


@register
class BoardMemberResource(VillageKeyedResource):
    kind = "board"
    label = "Pengurus dan pengawas koperasi"
    columns = REGION_COLUMNS + [
        Column("name", "Nama", ("nama pengurus", "nama lengkap"), required=True, example="Ahmad Saputra"),
        Column(
            "nik", "NIK", ("nomor induk kependudukan", "no ktp", "nik ktp"), required=True, example="1571010101900001"
        ),
        Column("gender", "Jenis Kelamin", ("jk", "l/p", "kelamin"), required=True, example="L"),
        Column("phone", "No. HP", ("hp", "telepon", "no telp", "no hp wa", "nomor hp"), example="0812-3456-7890"),
        Column("position", "Jabatan", ("posisi", "jabatan pengurus"), required=True, example="Ketua"),
        Column(
            "term_start",
            "Mulai Menjabat",
            ("awal masa jabatan", "tmt", "mulai masa jabatan"),
            required=True,
            example="01/05/2025",
        ),
        Column("term_end", "Akhir Masa Jabatan", ("selesai menjabat", "akhir jabatan"), example="01/05/2030"),
    ]
    compare_fields = ["name", "gender", "phone", "position", "term_start", "term_end"]

    class Meta:
        model = BoardMember

    def prepare(self, rows):
        self.load_villages(rows)
        query = self.file_cooperatives_q()
        self.cooperatives = {c.village_id: c for c in Cooperative.objects.filter(query)}
        members = BoardMember.objects.filter(cooperative__in=Cooperative.objects.filter(query))
        by_pk = {c.pk: c for c in self.cooperatives.values()}
        self.members = {}
        for member in members:
            member.cooperative = by_pk[member.cooperative_id]
            self.members[(member.cooperative.village_id, member.nik)] = member

    def build(self, row):
        village_code = self.village_of(row)
        nik = reading.digits(row.raw("nik"))
        values = {
            "name": reading.text(row.raw("name")),
            "nik": nik,
            "gender": row.parse("gender", reading.choice, GENDER_OPTIONS, required=True),
            "position": row.parse("position", reading.choice, POSITION_OPTIONS, required=True),
            "term_start": row.parse("term_start", reading.date, required=True),
        }
        if row.has("phone"):
            values["phone"] = reading.text(row.raw("phone"))
        if row.has("term_end"):
            values["term_end"] = row.parse("term_end", reading.date)
        for key in ("name", "nik"):
            if not values[key]:
                row.error(key, "required")
        if village_code is None or row.outcome.errors:
            return None
        cooperative = self.cooperatives.get(village_code)
        if cooperative is None:
            row.error("village_code", "no_cooperative", value=village_code)
            return None
        return (village_code, nik), values, {"cooperative": cooperative}

    def existing(self, key):
        return self.members.get(key)

    def new_instance(self, key, values, extra):
        return self.instantiate({"cooperative_id": extra["cooperative"].pk} | values)

    def validate_instance(self, row, instance, present_fields, field_columns):
        # BoardMember.clean() queries for the position's holder per row; that rule is checked
        # for the whole file at once in `check`, so only field validation runs here.
        exclude = [f.name for f in instance._meta.fields if f.name not in present_fields]
        try:
            instance.clean_fields(exclude=exclude)
        except Exception as exc:  # ValidationError
            for field_name, messages in exc.message_dict.items():
                for text in messages:
                    row.error(field_name, "invalid", message=text)
        if instance.term_end and instance.term_start and instance.term_end < instance.term_start:
            row.error("term_end", "invalid", message="Masa jabatan tidak dapat berakhir sebelum dimulai.")

    def check(self, outcomes):
        """One active holder per single-holder position and cooperative, the file applied over
        what is stored."""
        state = {key: (m.position, m.term_end) for key, m in self.members.items()}
        for outcome in outcomes:
            if outcome.key is not None and not outcome.errors:
                state[outcome.key] = (self.value_of(outcome, "position"), self.value_of(outcome, "term_end"))
        twice = seats_held_twice((key[0], position, end) for key, (position, end) in state.items())
        for outcome in outcomes:
            if outcome.action in ("new", "update") and not outcome.errors:
                position = self.value_of(outcome, "position")
                if (outcome.key[0], position) in twice:
                    label = str(BoardMember.Position(position).label)
                    outcome.errors.append(
                        RowError(
                            outcome.number,
                            "Jabatan",
                            "position_taken",
                            Problem("position_taken", {"position": label}).message,
                        )
                    )

    def write(self, outcomes, progress=None):
        self.recheck_single_holders(outcomes)
        return super().write(outcomes, progress)

    def recheck_single_holders(self, outcomes):
        """`check` saw the board as it was when the file was validated. Under the cooperative row
        locks that the page takes (services.save_board_member), a single-holder seat filled
        meanwhile by someone this file does not know is a refusal of the whole file."""
        today = timezone.localdate()
        wanted = set()
        for outcome in outcomes:
            if outcome.action in ("new", "update"):
                position, end = self.value_of(outcome, "position"), self.value_of(outcome, "term_end")
                if position in BoardMember.SINGLE_HOLDER and (end is None or end >= today):
                    wanted.add((self.cooperatives[outcome.key[0]].pk, position))
        if not wanted:
            return
        pks = sorted({pk for pk, _position in wanted})
        known = {m.pk for m in self.members.values()}
        for start in range(0, len(pks), IN_LIST_LIMIT):
            chunk = pks[start : start + IN_LIST_LIMIT]
            list(Cooperative.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
            holders = (
                BoardMember.objects.filter(cooperative_id__in=chunk, position__in=BoardMember.SINGLE_HOLDER)
                .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
                .values_list("pk", "cooperative_id", "position")
            )
            for pk, cooperative_id, position in holders:
                if pk not in known and (cooperative_id, position) in wanted:
                    label = str(BoardMember.Position(position).label)
                    raise WriteRefused(message("position_taken_meanwhile", position=label))

    def village_for_export(self, instance):
        return instance.cooperative.village

    def get_queryset(self):
        return BoardMember.objects.for_user(self.user)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("cooperative__village__parent__parent")


LAND_OPTIONS = {
    "belumada": "none",
    "tidakada": "none",
    "belum": "none",
    "none": "none",
    "diusulkan": "proposed",
    "usulan": "proposed",
    "proposed": "proposed",
    "terverifikasi": "verified",
    "diverifikasi": "verified",
    "verified": "verified",
    "siap": "ready",
    "ready": "ready",
}
BUILD_OPTIONS = {
    "belummulai": "not_started",
    "belum": "not_started",
    "notstarted": "not_started",
    "dibangun": "started",
    "pembangunan": "started",
    "sedangdibangun": "started",
    "berjalan": "started",
    "started": "started",
    "selesai": "finished",
    "finished": "finished",
}
WAREHOUSE_OPTIONS = BUILD_OPTIONS | {"tidakada": "na", "tidakberlaku": "na", "na": "na"}
BANK_OPTIONS = {reading.normalize_header(v): v for v in ("BRI", "BNI", "MANDIRI", "BTN", "BSI")}


def _rupiah(value):
    """The one reading of an amount in Rupiah (core.validators.parse_rupiah), as a cell error."""
    try:
        return parse_rupiah(value)
    except ValueError:
        raise reading.CellError("bad_number", value=reading.text(value)) from None


def _percent(value):
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    if isinstance(value, float) and 0 < value <= 1:  # a cell formatted as %: Excel's 40% is 0.4, 100% is 1.0
        value = round(value * 100)
    return reading.integer(value)


PROGRESS_COLUMNS = [
    Column("simkopdes_date", "Tanggal Akun SIMKOPDES", ("akun simkopdes", "simkopdes"), example="12/08/2025"),
    Column("simkopdes_verified_date", "Tanggal Verifikasi SIMKOPDES", ("verifikasi simkopdes", "terverifikasi")),
    Column(
        "simkopdes_updated_date",
        "Tanggal Pembaruan SIMKOPDES",
        ("pembaruan simkopdes", "update simkopdes", "terakhir diperbarui"),
        example="20/11/2025",
    ),
    Column("profile_complete_date", "Tanggal Profil Lengkap", ("profil lengkap",)),
    Column("land_status", "Status Lahan", ("lahan", "lahan gerai"), example="siap"),
    Column("construction_status", "Status Pembangunan Gerai", ("pembangunan gerai",), example="dibangun"),
    Column("construction_started_date", "Tanggal Mulai Pembangunan", ("mulai pembangunan", "mulai bangun")),
    Column("construction_percent", "Progres Pembangunan (%)", ("progres pembangunan", "progres fisik"), example=40),
    Column("construction_finished_date", "Tanggal Selesai Pembangunan", ("selesai pembangunan",)),
    Column("outlet_operating_date", "Tanggal Gerai Beroperasi", ("gerai beroperasi", "tanggal operasional gerai")),
    Column("warehouse_status", "Status Gudang", ("gudang", "cold storage", "status cold storage")),
    Column("warehouse_started_date", "Tanggal Mulai Gudang", ("mulai gudang",)),
    Column("warehouse_percent", "Progres Gudang (%)", ("progres gudang",)),
    Column("warehouse_finished_date", "Tanggal Selesai Gudang", ("selesai gudang",)),
    Column("warehouse_operating_date", "Tanggal Gudang Beroperasi", ("gudang beroperasi",)),
    Column("business_plan_date", "Tanggal Rencana Usaha", ("rencana usaha", "business plan")),
    Column("loan_proposal_date", "Tanggal Proposal Pinjaman", ("proposal pinjaman", "pengajuan pinjaman")),
    Column("loan_amount_requested", "Plafon Diajukan", ("plafon pengajuan", "nilai pengajuan")),
    Column("village_approval_date", "Tanggal Persetujuan Musdes", ("persetujuan musdes", "persetujuan desa")),
    Column("loan_bank", "Bank", ("bank himbara", "bank penyalur"), example="BRI"),
    Column("bank_submitted_date", "Tanggal Diajukan ke Bank", ("diajukan ke bank", "pengajuan ke bank")),
    Column("bank_verified_date", "Tanggal Verifikasi Bank", ("verifikasi bank",)),
    Column("loan_agreement_date", "Tanggal Akad Kredit", ("akad kredit", "akad", "perjanjian kredit")),
    Column("loan_amount_approved", "Plafon Disetujui", ("plafon disetujui", "nilai disetujui")),
    Column("loan_disbursed_date", "Tanggal Pencairan", ("pencairan", "tanggal cair")),
    Column("repayment_start_date", "Tanggal Mulai Angsuran", ("mulai angsuran", "angsuran")),
]
PROGRESS_PARSERS = {
    "land_status": (reading.choice, LAND_OPTIONS),
    "construction_status": (reading.choice, BUILD_OPTIONS),
    "warehouse_status": (reading.choice, WAREHOUSE_OPTIONS),
    "loan_bank": (reading.choice, BANK_OPTIONS),
    "construction_percent": (_percent,),
    "warehouse_percent": (_percent,),
    "loan_amount_requested": (_rupiah,),
    "loan_amount_approved": (_rupiah,),
}


@register
class ProgressResource(VillageKeyedResource):
    """What happens after formation, for cooperatives already recorded (kind `progress`): a
    column left out or a cell left empty keeps what is stored; the rules are Cooperative.clean's
    (a loan step needs the steps before it...), as on the progress page. Each change is kept in
    the cooperative's history with the import as its reason."""

    kind = "progress"
    label = "Kemajuan setelah pembentukan (SIMKOPDES, gerai, pinjaman)"
    columns = REGION_COLUMNS + PROGRESS_COLUMNS
    compare_fields = [c.key for c in PROGRESS_COLUMNS] + ["updated_at"]

    class Meta:
        model = Cooperative

    def prepare(self, rows):
        self.load_villages(rows)
        self.cooperatives = {c.village_id: c for c in Cooperative.objects.filter(self.file_cooperatives_q())}

    def build(self, row):
        village_code = self.village_of(row)
        values = {}
        for column in PROGRESS_COLUMNS:
            key = column.key
            if not row.has(key) or row.raw(key) in (None, ""):
                continue
            parser, *options = PROGRESS_PARSERS.get(key, (reading.date,))
            values[key] = row.parse(key, parser, *options)
        if village_code is None or row.outcome.errors:
            return None
        if village_code not in self.cooperatives:
            row.error("village_code", "no_cooperative", value=village_code)
            return None
        return village_code, values, {}

    def existing(self, key):
        return self.cooperatives.get(key)

    def validate_instance(self, row, instance, present_fields, field_columns):
        if not Cooperative.village.is_cached(instance):
            instance.village = self.village_instance(instance.village_id)
        super().validate_instance(row, instance, present_fields, field_columns)
        Cooperative.village.field.delete_cached_value(instance)

    def history_reason(self):
        return gettext("Imported with the progress file")
