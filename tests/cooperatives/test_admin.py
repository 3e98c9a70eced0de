"""The admin is a door too: board seats through their service, with Indonesian refusals."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import BoardMember, Cooperative

pytestmark = pytest.mark.django_db


def as_post(form, prefix=None):
    """A bound form's POST data from an unbound one's initial values, as the browser sends it."""
    data = {}
    for name, field in form.fields.items():
        key = f"{prefix}-{name}" if prefix else name
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[key] = ""
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        else:
            data[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return data


def change_form_data(response):
    data = as_post(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {f"{formset.prefix}-{k}": v for k, v in management.initial.items()}
        for form in formset.forms:
            data |= as_post(form, form.prefix)
    return data


@pytest.fixture
def cooperative(demo):
    cooperative = Cooperative.objects.filter(village__code__startswith="15.71.").order_by("village").first()
    BoardMember.objects.filter(cooperative=cooperative, position="MANAJER").delete()
    return cooperative


def test_two_new_managers_in_one_admin_submission_are_a_form_error(client, cooperative):
    client.force_login(User.objects.get(username="admin.provinsi"))
    url = reverse("admin:cooperatives_cooperative_change", args=[cooperative.pk])
    data = change_form_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "board" in k).removesuffix("-TOTAL_FORMS")
    existing = int(data[f"{prefix}-TOTAL_FORMS"])
    for n, nik in enumerate(["1571014101900061", "1571014101900062"]):
        row = f"{prefix}-{existing + n}"
        data |= {
            f"{row}-name": f"Manajer {n}",
            f"{row}-nik": nik,
            f"{row}-gender": "L",
            f"{row}-position": "MANAJER",
            f"{row}-term_start": "2025-11-01",
            f"{row}-term_end": "2027-05-01",
            f"{row}-cooperative": cooperative.pk,
        }
    data[f"{prefix}-TOTAL_FORMS"] = str(existing + 2)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "dua kali" in response.content.decode() or "filled twice" in response.content.decode()
    assert not BoardMember.objects.filter(cooperative=cooperative, position="MANAJER").exists()


def test_a_seat_taken_meanwhile_is_a_message_not_a_500(client, cooperative, monkeypatch):
    from django.core.exceptions import ValidationError

    import cooperatives.admin

    def taken(member, by):
        raise ValidationError({"position": ["Koperasi ini sudah memiliki Manajer."]})

    monkeypatch.setattr(cooperatives.admin, "save_board_member", taken)
    client.force_login(User.objects.get(username="admin.provinsi"))
    data = {
        "cooperative": cooperative.pk,
        "name": "Manajer Baru",
        "nik": "1571014101900063",
        "gender": "L",
        "phone": "",
        "position": "MANAJER",
        "term_start": "2025-11-01",
        "term_end": "2027-05-01",
    }
    response = client.post(reverse("admin:cooperatives_boardmember_add"), data, follow=True)
    assert response.status_code == 200 and "sudah memiliki Manajer" in response.content.decode()
    assert not BoardMember.objects.filter(nik="1571014101900063").exists()


def test_the_admin_keeps_the_pipelines_order_and_saves_through_the_service(client, cooperative):
    client.force_login(User.objects.get(username="admin.provinsi"))
    url = reverse("admin:cooperatives_cooperative_change", args=[cooperative.pk])
    data = change_form_data(client.get(url))
    data |= {"simkopdes_verified_date": "", "loan_disbursed_date": "2025-11-20"}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "memerlukan" in response.content.decode()
    cooperative.refresh_from_db()
    assert cooperative.loan_disbursed_date != dt.date(2025, 11, 20)
    data = change_form_data(client.get(url)) | {"members_count": "77"}
    assert client.post(url, data).status_code == 302
    record = Cooperative.objects.get(pk=cooperative.pk).history.first()
    assert record.members_count == 77 and record.history_change_reason == "Diubah di admin"
