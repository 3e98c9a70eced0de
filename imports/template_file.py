"""The blank file a user downloads for each import kind: a "Data" sheet (the headers and one
example row, which reads cleanly) and a "Petunjuk" sheet that says how to fill it. The importer
reads the first visible sheet, so "Data" comes first."""

from .resources import BulkResource

GENERAL_NOTES = [
    "Isi lembar “Data”: satu baris per data, mulai baris 2 (timpa atau hapus baris contoh).",
    "Baris judul di atas judul kolom boleh ada; urutan kolom bebas; kolom yang tidak dikenal diabaikan.",
    "Tanggal: 27/10/2025 atau 27 Oktober 2025. Ya/Tidak: tulis Ya atau Tidak. "
    "Rupiah: 1500000 atau 1.500.000. Nilai: 85 atau 85,5.",
    "Simpan sebagai .xlsx atau CSV (UTF-8), lalu unggah di halaman Impor data. Pratinjau menunjukkan "
    "setiap kesalahan atau perubahan; tidak ada yang disimpan sebelum Anda menekan Konfirmasi, "
    "dan bila satu baris salah, tidak ada yang disimpan.",
]


def template_sheets(kind: type[BulkResource]) -> list[tuple[str, list, list]]:
    """[(sheet title, header, rows)] for core.exports.xlsx_response."""
    example = list(kind.template_dataset()[0])
    guide = [[note] for note in GENERAL_NOTES]
    guide += [[], ["Kolom", "Wajib", "Juga diterima", "Contoh"]]
    guide += [
        [column.header, "ya" if column.required else "", ", ".join(column.aliases), column.example]
        for column in kind.columns
    ]
    return [
        ("Data", [c.header for c in kind.columns], [example]),
        ("Petunjuk", [f"Petunjuk pengisian: {kind.label}"], guide),
    ]
