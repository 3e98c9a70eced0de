"""What happens after formation: the pipeline's order, the build's rules, the progress page and
partnerships, each refusal in Indonesian and each change in the history with its reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cooperatives.indicators import BY_KEY, INDICATORS
from cooperatives.models import Cooperative, Partnership

pytestmark = pytest.mark.django_db
D = dt.date


def _bare(**fields):
    """A cooperative with its legal entity and nothing after it."""
    return Cooperative(legal_entity_date=D(2025, 6, 2), **fields)


def test_a_pipeline_step_needs_every_step_before_it():
    cooperative = _bare(simkopdes_date=D(2025, 8, 1), loan_proposal_date=D(2025, 10, 1))
    errors = cooperative.progress_errors()
    assert "profile_complete_date" not in errors  # not recorded: no complaint of its own
    assert "loan_proposal_date" in errors
    assert "memerlukan" in str(errors["loan_proposal_date"])


def test_a_step_cannot_come_before_the_one_it_needs():
    cooperative = _bare(simkopdes_date=D(2025, 8, 10), simkopdes_verified_date=D(2025, 8, 1))
    assert "simkopdes_verified_date" in cooperative.progress_errors()


def test_a_full_pipeline_in_order_is_accepted():
    days = {field: D(2025, 8, 1) + dt.timedelta(days=10 * i) for i, (field, _) in enumerate(Cooperative.LOAN_STEPS)}
    cooperative = _bare(
        **days, loan_bank="BRI", loan_amount_requested=3_000_000_000, loan_amount_approved=2_000_000_000
    )
    assert cooperative.progress_errors() == {}
    assert cooperative.loan_step == dict(Cooperative.LOAN_STEPS)["repayment_start_date"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"loan_amount_requested": 3_500_000_000}, "loan_amount_requested"),
        ({"loan_amount_requested": 1_000_000_000, "loan_amount_approved": 2_000_000_000}, "loan_amount_approved"),
        ({"loan_amount_approved": 1}, "loan_amount_requested"),
        ({"construction_status": "started", "land_status": "proposed"}, "land_status"),
        ({"construction_status": "started", "land_status": "ready"}, "construction_started_date"),
        ({"construction_percent": 40}, "construction_percent"),  # not started
        (
            {
                "land_status": "ready",
                "construction_status": "finished",
                "construction_started_date": D(2025, 10, 1),
                "construction_finished_date": D(2025, 9, 1),
            },
            "construction_finished_date",
        ),
        ({"warehouse_operating_date": D(2025, 11, 1)}, "warehouse_operating_date"),
        ({"simkopdes_updated_date": D(2025, 11, 1)}, "simkopdes_updated_date"),
        ({"simkopdes_date": timezone.localdate() + dt.timedelta(days=3)}, "simkopdes_date"),
    ],
)
def test_build_and_loan_rules(fields, field):
    assert field in _bare(**fields).progress_errors()


def test_the_database_refuses_what_the_rules_refuse(kota_jambi_cooperative):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.filter(pk=kota_jambi_cooperative.pk).update(construction_percent=140)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.filter(pk=kota_jambi_cooperative.pk).update(
            loan_amount_requested=100, loan_amount_approved=200
        )


def test_simkopdes_active_is_the_last_30_days():
    today = timezone.localdate()
    fresh = _bare(simkopdes_date=D(2025, 8, 1), simkopdes_updated_date=today - dt.timedelta(days=29))
    stale = _bare(simkopdes_date=D(2025, 8, 1), simkopdes_updated_date=today - dt.timedelta(days=30))
    assert fresh.simkopdes_active and not stale.simkopdes_active


def test_each_indicator_counts_what_its_property_says(demo):
    """The list filter's condition and the model's own reading agree for every cooperative."""
    today = timezone.localdate()
    cooperatives = list(Cooperative.objects.filter(village__code__startswith="15.71."))
    active = set(Cooperative.objects.filter(BY_KEY["simkopdes_active"].q(today)).values_list("pk", flat=True))
    assert active == {c.pk for c in cooperatives if c.simkopdes_active} | (active - {c.pk for c in cooperatives})
    operating = Cooperative.objects.filter(BY_KEY["outlet_operating"].q(today), village__code__startswith="15.71.")
    assert operating.count() == sum(1 for c in cooperatives if c.outlet_operating_date)
    assert len({i.key for i in INDICATORS}) == len(INDICATORS)


def _progress_post(cooperative, **changes):
    from cooperatives.forms import PROGRESS_FIELDS

    data = {}
    for name in PROGRESS_FIELDS:
        value = getattr(cooperative, name)
        data[name] = "" if value is None else value
    shown = {f"initial-{name}": value for name, value in data.items()}  # the page's hidden initials
    return data | shown | {"reason": "Kunjungan lapangan"} | changes


def test_the_progress_page_saves_with_the_reason_in_the_history(login, kota_jambi_cooperative):
    client = login("staf.kotajambi")
    url = reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _progress_post(
            kota_jambi_cooperative,
            land_status="ready",
            construction_status="started",
            construction_started_date="2025-11-03",
            construction_percent="35",
            construction_finished_date="",
            outlet_operating_date="",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    kota_jambi_cooperative.refresh_from_db()
    assert kota_jambi_cooperative.construction_percent == 35
    record = kota_jambi_cooperative.history.first()
    assert record.history_change_reason == "Kunjungan lapangan"
    assert record.history_user.username == "staf.kotajambi"
    page = client.get(kota_jambi_cooperative.get_absolute_url()).content.decode()
    assert 'value="35"' in page and "Kunjungan lapangan" in page


def test_the_progress_page_refuses_in_indonesian_and_keeps_nothing(login, kota_jambi_cooperative):
    client = login("staf.kotajambi")
    url = reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk])
    before = kota_jambi_cooperative.history.count()
    response = client.post(
        url,
        _progress_post(kota_jambi_cooperative, loan_amount_requested="Rp 4.000.000.000", reason=""),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "paling banyak Rp 3 miliar" in html
    assert "reason" in response.context["form"].errors  # the why is required
    assert kota_jambi_cooperative.history.count() == before


def test_amounts_are_typed_as_people_write_them(login, kota_jambi_cooperative):
    client = login("staf.kotajambi")
    url = reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk])
    data = _progress_post(kota_jambi_cooperative, loan_amount_requested="Rp 2.500.000.000")
    if not kota_jambi_cooperative.loan_amount_approved:
        data["loan_amount_approved"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    kota_jambi_cooperative.refresh_from_db()
    assert kota_jambi_cooperative.loan_amount_requested == 2_500_000_000


def test_roles_that_only_read_cannot_open_the_progress_page(login, kota_jambi_cooperative):
    url = reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk])
    assert login("kepala.dinas").get(url).status_code == 403
    assert login("staf.kerinci").get(url).status_code == 404  # another regency's cooperative


def test_partnerships_are_added_with_their_rules(login, kota_jambi_cooperative):
    client = login("staf.kotajambi")
    url = reverse("cooperatives:partnership_create", args=[kota_jambi_cooperative.pk])
    refused = client.post(
        url,
        {"partner": "Koperasi Manis", "kind": "supply", "status": "ended", "started_on": "2025-09-29"},
    )
    assert refused.status_code == 200
    assert "tanggal kemitraan berakhir" in refused.content.decode().lower()
    response = client.post(
        url,
        {
            "partner": "Koperasi Manis",
            "kind": "supply",
            "status": "active",
            "started_on": "2025-09-29",
            "monthly_value": "Rp 2.000.000",
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(cooperative=kota_jambi_cooperative, partner="Koperasi Manis")
    assert partnership.monthly_value == 2_000_000
    assert partnership.history.first().history_user.username == "staf.kotajambi"
    page = login("kepala.dinas").get(kota_jambi_cooperative.get_absolute_url()).content.decode()
    assert "Koperasi Manis" in page and "2.000.000" in page


def test_a_partnership_cannot_end_before_it_starts_even_in_the_database(kota_jambi_cooperative):
    partnership = Partnership(
        cooperative=kota_jambi_cooperative,
        partner="Dapur MBG",
        kind="mbg",
        status="ended",
        started_on=D(2025, 10, 1),
        ended_on=D(2025, 9, 1),
    )
    with pytest.raises(ValidationError):
        partnership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


def test_the_progress_page_keeps_what_a_report_wrote_since_it_was_opened(login, kota_jambi_cooperative):
    """Only the fields changed on the page are written: a newer value stored meanwhile stays."""
    client = login("staf.kotajambi")
    url = reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk])
    opened = _progress_post(kota_jambi_cooperative)  # the page as it was loaded
    newer = timezone.localdate()
    Cooperative.objects.filter(pk=kota_jambi_cooperative.pk).update(
        simkopdes_date=kota_jambi_cooperative.simkopdes_date or D(2025, 8, 1), simkopdes_updated_date=newer
    )
    response = client.post(url, opened)
    assert response.status_code == 302, response.context["form"].errors
    kota_jambi_cooperative.refresh_from_db()
    assert kota_jambi_cooperative.simkopdes_updated_date == newer


def test_the_progress_and_partnership_pages_have_a_bounded_query_count(
    login, kota_jambi_cooperative, django_assert_max_num_queries
):
    client = login("staf.kotajambi")
    for url in [
        reverse("cooperatives:progress", args=[kota_jambi_cooperative.pk]),
        reverse("cooperatives:partnership_create", args=[kota_jambi_cooperative.pk]),
    ]:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
