"""Single-holder board positions under concurrency, through the real page (issue 11, finding 9:
eight staff adding a Ketua to one cooperative at once left 3 of 6 with more than one)."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from cooperatives.models import BoardMember
from tests import threads
from tests.cooperatives.factories import cooperatives_in

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = 8


def ketua(n, term_end=""):
    return {
        "name": f"Calon Ketua {n}",
        "nik": f"15710141019000{n:02d}",
        "gender": "L",
        "phone": "",
        "position": "KETUA",
        "term_start": "2025-11-01",
        "term_end": term_end,
    }


@pytest.mark.parametrize("term_end", ["", "2030-12-31"])  # an open term (the constraint) and a dated one (the lock)
def test_eight_staff_adding_a_ketua_at_once_leave_one(small_jambi, term_end):
    staff = small_jambi["staf.kotajambi"]
    for cooperative in cooperatives_in("15.71", 3, board=True):
        BoardMember.objects.filter(cooperative=cooperative, position="KETUA").update(
            term_start=dt.date(2020, 1, 1), term_end=dt.date(2025, 10, 31)
        )  # the seat is free
        clients = []
        for _ in range(STAFF):
            client = Client()
            client.force_login(staff)
            clients.append(client)
        responses = []
        url = reverse("cooperatives:board_create", args=[cooperative.pk])
        jobs = [lambda c=c, n=n: responses.append(c.post(url, ketua(n, term_end))) for n, c in enumerate(clients)]
        ok, _refused, errors = threads.run_together(jobs, refusal=())
        assert errors == [] and ok == STAFF
        assert sorted(r.status_code for r in responses) == [200] * (STAFF - 1) + [302]
        assert (
            BoardMember.objects.filter(cooperative=cooperative, position="KETUA", term_start="2025-11-01").count() == 1
        )
        refused = next(r for r in responses if r.status_code == 200).content.decode()
        assert "Ketua" in refused


def test_the_database_refuses_a_second_open_ketua_whatever_the_door(small_jambi):
    (cooperative,) = cooperatives_in("15.71", 1, board=True)
    BoardMember.objects.filter(cooperative=cooperative, position="KETUA").update(term_end=None)
    with pytest.raises(IntegrityError):
        BoardMember.objects.create(
            cooperative=cooperative,
            name="Lewat Pintu Lain",
            nik="1571014101900077",
            gender="L",
            position="KETUA",
            term_start=dt.date(2025, 11, 1),
        )


def test_the_constraint_names_exactly_the_single_holder_positions():
    constraint = next(c for c in BoardMember._meta.constraints if c.name == "one_open_term_per_single_holder_position")
    positions = dict(constraint.condition.children)["position__in"]
    assert sorted(positions) == sorted(BoardMember.SINGLE_HOLDER)
