"""Import error messages, by code.

Row and file errors are Indonesian data for Indonesian users (they also go into the failed-rows
file that is sent back to the person who typed the spreadsheet), so they are written here in
Indonesian directly, one table, rather than as msgids; tests assert on the codes. Messages
coming from model validators keep their own (translated) text, and a business rule's codes are
worded once, by the rule's app (see core/problems.py), for the pages and the import alike.
"""

from core import problems

MESSAGES = {
    # file level
    "empty_file": "Berkas kosong: tidak ada baris data.",
    "not_a_spreadsheet": "Berkas ini bukan spreadsheet xlsx atau csv yang dapat dibaca.",
    "encrypted_or_xls": (
        "Berkas ini dilindungi kata sandi atau berformat .xls lama. Buka di Excel, hapus kata sandinya "
        "dan simpan sebagai .xlsx."
    ),
    "too_large": "Berkas terlalu besar (batas {mb} MB).",
    "too_large_unzipped": "Isi berkas xlsx terlalu besar setelah diekstrak (batas {mb} MB).",
    "too_many_rows": "Berkas berisi terlalu banyak baris (batas {limit}).",
    "too_many_columns": "Data di baris {row} memakai {count} kolom, melebihi batas {limit} kolom.",
    "too_many_cells": "Berkas berisi terlalu banyak sel (batas {limit}).",
    "sheet_too_many_rows": (
        "Lembar “{sheet}” memakai rentang sampai sel {cell} (baris {row}), melebihi batas {limit} baris. "
        "Hapus isi dan format sel di luar tabel data, lalu simpan ulang berkas."
    ),
    "sheet_too_many_columns": (
        "Lembar “{sheet}” memakai rentang sampai sel {cell} (kolom ke-{column}), melebihi batas {limit} kolom. "
        "Hapus isi dan format sel di luar tabel data, lalu simpan ulang berkas."
    ),
    "sheet_too_many_cells": (
        "Lembar “{sheet}” memakai rentang A1 sampai {cell} ({cells} sel), melebihi batas {limit} sel. "
        "Hapus isi dan format sel di luar tabel data, lalu simpan ulang berkas."
    ),
    "no_visible_sheet": (
        "Semua lembar kerja di berkas ini tersembunyi. Tampilkan lembar yang berisi data (Unhide), "
        "lalu simpan ulang berkas."
    ),
    "cell_too_long": "Sel di baris {row} terlalu panjang (lebih dari {limit} karakter).",
    "nul_byte": (
        "Berkas berisi karakter NUL (kode 0) di baris {row}; karakter ini tidak dapat disimpan. "
        "Simpan ulang berkas sebagai xlsx atau CSV UTF-8."
    ),
    "no_header": "Baris judul kolom tidak ditemukan. Kolom yang diharapkan: {expected}.",
    "missing_columns": "Kolom wajib tidak ada: {columns}.",
    "unknown_kind": "Jenis impor tidak dikenal: {kind}.",
    # row level
    "required": "Wajib diisi.",
    "bad_region_code": "“{value}” bukan kode wilayah Kemendagri.",
    "not_a_village_code": "“{value}” bukan kode desa/kelurahan (contoh: 15.71.01.1001).",
    "unknown_village": "Desa/kelurahan dengan kode {value} tidak ada.",
    "out_of_scope": "Desa/kelurahan {value} berada di luar wilayah Anda.",
    "unknown_region_name": "“{value}” tidak ditemukan. Mungkin maksud Anda: {suggestions}.",
    "ambiguous_region_name": "“{value}” cocok dengan lebih dari satu wilayah: {suggestions}.",
    "bad_date": "“{value}” bukan tanggal (contoh: 27/10/2025 atau 27 Oktober 2025).",
    "bad_yes_no": "“{value}” harus Ya atau Tidak.",
    "bad_number": "“{value}” bukan bilangan bulat.",
    "bad_choice": "“{value}” tidak dikenal. Pilihan: {options}.",
    "duplicate_row": "Baris ini mengulang baris {first} (kunci yang sama).",
    "village_shared": (
        "Desa/kelurahan {value} sudah dilayani bersama oleh {cooperative}; satu desa hanya punya satu koperasi."
    ),
    "no_cooperative": "Belum ada koperasi di desa/kelurahan {value}; impor koperasinya dahulu.",
    "position_taken_meanwhile": (
        "Sementara berkas ini diperiksa, jabatan {position} di salah satu koperasinya diisi pengguna lain. "
        "Tidak ada yang disimpan; unggah ulang berkas untuk memeriksanya lagi."
    ),
    # assistants
    "not_a_work_area": "“{value}” bukan kode provinsi atau kabupaten/kota.",
    "unknown_region": "Wilayah dengan kode {value} tidak ada.",
    "area_out_of_scope": "Wilayah {value} berada di luar wilayah Anda.",
    # Never the name: who holds an NIK outside the scope is not the importer's to know.
    "person_out_of_scope": (
        "NIK {nik} sudah terdaftar di luar wilayah Anda; data orang itu tidak dapat dilihat atau diubah dari sini."
    ),
    "self_supervisor": "Pendamping tidak dapat menjadi PMO pembina dirinya sendiri.",
    "unknown_supervisor": "PMO dengan NIK {value} tidak ada, baik di data maupun di berkas ini.",
    "supervisor_not_pmo": "Pendamping dengan NIK {value} bukan PMO.",
    "supervisor_out_of_scope": "PMO dengan NIK {value} berada di luar wilayah Anda.",
    "supervisor_cycle": "PMO pembina dengan NIK {value} membentuk lingkaran pembinaan di berkas ini.",
    # assignments
    "unknown_assistant": "Tidak ada pendamping dengan NIK {value}.",
    "cooperative_twice": "{cooperative} sudah ditugaskan di baris {first} berkas ini.",
    "ba_full_meanwhile": (
        "Sementara berkas ini diperiksa, {name} mendapat koperasi dampingan lain: dengan berkas ini "
        "menjadi {load} koperasi (batas {capacity}). Tidak ada yang disimpan; unggah ulang berkas "
        "untuk memeriksanya lagi."
    ),
    # trainings
    "unknown_cohort": "Angkatan pelatihan “{value}” tidak ada.",
    "cohort_out_of_scope": "Angkatan {cohort} diselenggarakan di luar wilayah Anda.",
    "unknown_participant": "Tidak ada {who} dengan NIK {value}.",
    "ambiguous_person": "NIK {value} tercatat sebagai pengurus di {count} koperasi; daftarkan dari halaman angkatan.",
    "enroll_refused": "{message}",
    "cohort_full": "{message}",
    "not_a_cohort_day": "{value} bukan hari pelatihan angkatan ini ({start} s.d. {end}).",
    "not_enrolled": "NIK {value} tidak terdaftar (aktif) di angkatan ini.",
    "bad_score": "“{value}” bukan nilai (angka 0 sampai 100, contoh: 85 atau 85,5).",
    "score_refused": "{message}",
    "invalid": "{message}",
    # the write, after validation
    "changed_meanwhile": (
        "Data berubah ketika berkas ini disimpan (pengguna lain baru saja menyimpan data yang sama). "
        "Tidak ada yang disimpan; unggah ulang berkas untuk memeriksanya lagi."
    ),
    "database_error": (
        "Basis data menolak penyimpanan berkas ini. Tidak ada yang disimpan; coba lagi sebentar lagi, "
        "dan hubungi administrator bila terulang."
    ),
    "already_imported": (
        "Berkas {file} sudah diimpor (atau sedang diimpor) dari pratinjau ini; tidak ada yang disimpan dua kali."
    ),
}


def message(code, **params):
    """The Indonesian text of an import code; a rule's code (a problem its app's services
    registered in core.problems) is worded by that one table, as on the pages."""
    if code not in MESSAGES and problems.is_known(code):
        return problems.describe(code, params)
    try:
        return MESSAGES[code].format(**params)
    except (KeyError, IndexError):
        return MESSAGES.get(code, code)


class WriteRefused(Exception):
    """A business rule refused the write after validation (the data changed meanwhile): the whole
    file is rolled back and the Indonesian message is shown as it is. Kinds raise this, never a
    DatabaseError, so that a real database failure is never mistaken for a rule."""


class FileError(Exception):
    """The whole file is refused (before any row is read)."""

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(message(code, **params))
