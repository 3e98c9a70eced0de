"""Races through the real pages (test clients in threads, each with its own connection), on
SQLite and on PostgreSQL: the rules hold whichever request wins, and the loser is told the truth.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assistants.models import Assignment, Assistant
from tests import threads
from tests.assistants.factories import AssistantFactory
from tests.cooperatives.factories import cooperatives_in

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 6


def client_of(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def free_kerinci(count):
    """Kerinci cooperatives without a BA."""
    return cooperatives_in("15.01", count)


def edit_form_data(assistant, **changes):
    data = {
        "name": assistant.name,
        "nik": assistant.nik,
        "gender": assistant.gender,
        "phone": "",
        "email": "",
        "role": assistant.role,
        "work_area": assistant.work_area_id,
        "supervisor": "",
        "contract_start": "",
        "contract_end": "",
        "status": assistant.status,
    }
    return data | changes


def test_resigning_a_ba_while_it_is_given_a_cooperative_never_leaves_a_resigned_ba_with_one(small_jambi):
    """Finding 8 of issue 11: 5 of 14 rounds ended with a resigned BA still accompanying a
    cooperative. The edit form's status change now takes the BA row lock that assign() takes."""
    cooperatives = free_kerinci(ROUNDS)
    outcomes = []
    for cooperative in cooperatives:
        ba = AssistantFactory(work_area_id="15.01")
        responses = []
        editor, assigner = client_of("staf.kerinci"), client_of("staf.kerinci")
        jobs = [
            lambda ba=ba: responses.append(
                editor.post(reverse("assistants:update", args=[ba.pk]), edit_form_data(ba, status="resigned"))
            ),
            lambda ba=ba, c=cooperative: responses.append(
                assigner.post(
                    reverse("assistants:assign", args=[c.pk]), {"assistant": ba.pk, "reason": "", "date": "2025-11-03"}
                )
            ),
        ]
        ok, _refused, errors = threads.run_together(jobs, refusal=())
        assert errors == [] and ok == 2
        assert all(r.status_code in (200, 302) for r in responses)
        ba.refresh_from_db()
        load = Assignment.objects.active().filter(assistant=ba).count()
        assert not (ba.status == Assistant.Status.RESIGNED and load), "a resigned BA keeps a cooperative"
        outcomes.append(ba.status)
    assert len(outcomes) == ROUNDS


def test_two_staff_transferring_one_cooperative_the_loser_is_told_who_has_it_now(small_jambi):
    """Finding 11 of issue 11: the loser was told the cooperative had no BA. Both forms were
    opened while `first` had the cooperative; whichever request comes second (at once, or just
    after) is refused and told who has it now."""
    for cooperative in free_kerinci(3):
        first, second, third = (AssistantFactory(work_area_id="15.01") for _ in range(3))
        Assignment.objects.create(assistant=first, cooperative=cooperative, start_date=dt.date(2025, 10, 1))
        responses = {}
        clients = {b.pk: client_of("staf.kerinci") for b in (second, third)}
        jobs = [
            lambda b=b: responses.__setitem__(
                b.pk,
                clients[b.pk].post(
                    reverse("assistants:assign", args=[cooperative.pk]),
                    {"assistant": b.pk, "reason": "mutasi", "date": "2025-11-03", "seen_assistant": first.pk},
                ),
            )
            for b in (second, third)
        ]
        ok, _refused, errors = threads.run_together(jobs, refusal=())
        assert errors == [] and ok == 2
        winner = Assignment.objects.active().get(cooperative=cooperative).assistant
        assert winner in (second, third)
        loser = third if winner == second else second
        page = responses[loser.pk]
        assert page.status_code == 200
        text = page.content.decode()
        assert winner.name in text and "belum didampingi" not in text.lower()
        assert "baru saja memindahkan" in text or "has just moved" in text


def test_a_transfer_form_opened_before_another_move_is_refused_after_it(small_jambi):
    """Not only at the same instant: a form opened while `first` had the cooperative, posted
    after someone moved it to `second`, does not silently move it again."""
    cooperative = free_kerinci(1)[0]
    first, second, third = (AssistantFactory(work_area_id="15.01") for _ in range(3))
    Assignment.objects.create(assistant=first, cooperative=cooperative, start_date=dt.date(2025, 10, 1))
    url = reverse("assistants:assign", args=[cooperative.pk])
    staff = client_of("staf.kerinci")
    assert f'value="{first.pk}"' in staff.get(url).content.decode()  # the hidden "seen" field
    data = {"reason": "mutasi", "date": "2025-11-03", "seen_assistant": first.pk}
    assert staff.post(url, data | {"assistant": second.pk}).status_code == 302
    response = staff.post(url, data | {"assistant": third.pk})
    assert response.status_code == 200 and second.name in response.content.decode()
    assert Assignment.objects.active().get(cooperative=cooperative).assistant == second
