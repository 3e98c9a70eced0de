"""One preview token is confirmed exactly once, however many clicks arrive at the same moment
(issue 11, finding 10: two confirms wrote the history twice and logged two imports; the board
kind showed PostgreSQL's raw duplicate-key text)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cooperatives.models import BoardMember
from imports.models import ImportLog
from tests import threads
from tests.cooperatives.factories import cooperatives_in
from tests.imports.files import xlsx

pytestmark = pytest.mark.django_db(transaction=True)
CLICKS = 4


def previewed(admin_user, kind, rows):
    """A logged-in admin's client with a previewed upload, and clients sharing its session."""
    first = Client()
    first.force_login(admin_user)
    response = first.post(reverse("imports:import"), {"kind": kind, "file": SimpleUploadedFile("f.xlsx", xlsx(rows))})
    assert response.status_code == 200 and not response.context["errors"]
    clients = [first]
    for _ in range(CLICKS - 1):
        other = Client()
        other.cookies = first.cookies  # the same browser session, clicking again
        clients.append(other)
    return clients, response.context["token"]


def confirm_all(clients, token):
    responses = []
    url = reverse("imports:confirm", args=[token])
    jobs = [lambda c=c: responses.append(c.post(url, follow=True)) for c in clients]
    ok, _refused, errors = threads.run_together(jobs, refusal=())
    assert errors == [] and ok == CLICKS
    return responses


def test_concurrent_confirms_of_one_token_import_once(small_jambi):
    (cooperative,) = cooperatives_in("15.71", 1)
    before = cooperative.history.count()
    clients, token = previewed(
        small_jambi["admin.provinsi"],
        "cooperatives",
        [["Kode Desa", "Jumlah Anggota"], [cooperative.village_id, cooperative.members_count + 7]],
    )
    responses = confirm_all(clients, token)
    assert ImportLog.objects.filter(outcome="imported", channel="page").count() == 1
    assert cooperative.history.count() == before + 1
    texts = [r.content.decode() for r in responses]
    assert sum("sudah diimpor" in t or "already imported" in t for t in texts) == CLICKS - 1
    assert all(r.status_code == 200 for r in responses)


def test_concurrent_confirms_of_a_board_file_never_show_database_text(small_jambi):
    (cooperative,) = cooperatives_in("15.71", 1, board=True)
    rows = [
        ["Kode Desa", "Nama", "NIK", "Jenis Kelamin", "Jabatan", "Mulai Menjabat"],
        [cooperative.village_id, "Anggota Pengawas Baru", "1571014101900099", "P", "Anggota Pengawas", "01/11/2025"],
    ]
    clients, token = previewed(small_jambi["admin.provinsi"], "board", rows)
    responses = confirm_all(clients, token)
    assert BoardMember.objects.filter(cooperative=cooperative, nik="1571014101900099").count() == 1
    for response in responses:
        text = response.content.decode()
        assert "duplicate key" not in text and "UNIQUE constraint" not in text and "one_seat_per_person" not in text


def test_two_uploads_of_one_new_board_member_at_once_never_show_database_text(small_jambi):
    """Two separate files racing (no shared token): on PostgreSQL the loser's write meets the
    unique constraint and is told, in Indonesian, that the data changed meanwhile."""
    from imports.services import import_file

    (cooperative,) = cooperatives_in("15.71", 1, board=True)
    rows = [
        ["Kode Desa", "Nama", "NIK", "Jenis Kelamin", "Jabatan", "Mulai Menjabat"],
        [cooperative.village_id, "Pengawas Bersamaan", "1571014101900098", "P", "Anggota Pengawas", "01/11/2025"],
    ]
    admin_user = small_jambi["admin.provinsi"]
    reports = []
    jobs = [
        lambda: reports.append(
            import_file(kind="board", data=xlsx(rows), file_name="f.xlsx", user=admin_user, dry_run=False)
        )
        for _ in range(2)
    ]
    ok, _refused, errors = threads.run_together(jobs, refusal=())
    assert errors == [] and ok == 2
    assert BoardMember.objects.filter(cooperative=cooperative, nik="1571014101900098").count() == 1
    for report in reports:
        codes = [code for code, _text in report.file_errors]
        assert report.written or codes == ["changed_meanwhile"], report.file_errors
        assert all("duplicate key" not in text and "UNIQUE" not in text for _c, text in report.file_errors)
