import pytest
from django.urls import reverse

from accounts.models import User
from assistants.models import Assignment, Assistant
from tests.factories import AssistantFactory

pytestmark = pytest.mark.django_db


def test_assistant_list_scoped_and_filtered(login):
    client = login("staf.kotajambi")
    response = client.get(reverse("assistants:list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == Assistant.objects.filter(work_area_id="15.71").count()
    full = client.get(reverse("assistants:list"), {"load": "full"}).context["table"].paginator.count
    assert full == 5  # Kota Jambi: 68 cooperatives over 7 BAs = five at 10 and two at 9


@pytest.mark.parametrize("username", ["staf.kotajambi", "admin.provinsi"])
@pytest.mark.parametrize("page_size", [5, 100])
def test_assistant_list_queries_fixed(login, settings, django_assert_max_num_queries, username, page_size):
    settings.KDKMP_PAGE_SIZE = page_size
    client = login(username)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("assistants:list"), {"sort": "load"})
    assert len(response.context["table"].page.object_list) > 0


def test_ba_page_shows_caseload_and_room(login, django_assert_max_num_queries):
    ba = Assistant.objects.with_load().filter(work_area_id="15.71", role="BA").order_by("load").first()
    client = login("staf.kotajambi")
    with django_assert_max_num_queries(10):
        response = client.get(ba.get_absolute_url())
    html = response.content.decode()
    assert f"{ba.load}/10" in html
    assert len(response.context["caseload"]) == ba.load == 9
    assert response.context["room"] == 1


def test_pmo_page_lists_area_bas(login):
    pmo = Assistant.objects.get(
        role="PMO", work_area_id="15.71", name=Assistant.objects.filter(role="PMO", work_area_id="15.71").first().name
    )
    response = login("staf.kotajambi").get(pmo.get_absolute_url())
    assert len(response.context["area_bas"]) == 7


def test_out_of_scope_assistant_is_404(login):
    kerinci_ba = Assistant.objects.filter(work_area_id="15.01", role="BA").first()
    client = login("staf.kotajambi")
    for name in ["detail", "update", "handover"]:
        assert client.get(reverse(f"assistants:{name}", args=[kerinci_ba.pk])).status_code == 404
    kerinci_assignment = Assignment.objects.active().filter(assistant=kerinci_ba).first()
    assert client.get(reverse("assistants:end", args=[kerinci_assignment.pk])).status_code == 404
    assert client.get(reverse("assistants:assign", args=[kerinci_assignment.cooperative_id])).status_code == 404


@pytest.mark.parametrize(
    "username, regency, waiting", [("staf.kerinci", "", 7), ("admin.provinsi", "", 31), ("admin.provinsi", "15.02", 5)]
)
def test_penugasan_lists_unassigned_by_district(login, django_assert_max_num_queries, username, regency, waiting):
    client = login(username)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("assistants:board"), {"regency": regency} if regency else {})
    assert sum(len(cooperatives) for _d, cooperatives in response.context["groups"]) == waiting
    assert response.context["bas_needed"] == (163 if username == "admin.provinsi" else 29)
    assert response.context["total"].bas_available == (156 if username == "admin.provinsi" else 28)


def test_penugasan_bulk_assign_and_refusal(login, free_kota_jambi, new_ba):
    client = login("staf.kotajambi")
    url = reverse("assistants:board")
    ids = [c.pk for c in free_kota_jambi]
    response = client.post(url, {"assistant": new_ba.pk, "cooperatives": ids[:10], "reason": "Awal"})
    assert response.status_code == 302
    assert Assignment.objects.active().filter(assistant=new_ba).count() == 10
    response = client.post(url, {"assistant": new_ba.pk, "cooperatives": ids[10:11]})
    assert response.status_code == 200
    assert "sudah mendampingi 10 koperasi" in response.content.decode()
    assert Assignment.objects.active().filter(assistant=new_ba).count() == 10


def test_head_cannot_assign(login, free_kota_jambi, new_ba):
    client = login("kepala.dinas")
    response = client.post(
        reverse("assistants:board") + "?regency=15.71",
        {"assistant": new_ba.pk, "cooperatives": [free_kota_jambi[0].pk]},
    )
    assert response.status_code == 403
    assert client.get(reverse("assistants:assign", args=[free_kota_jambi[0].pk])).status_code == 403


def test_transfer_page(login, free_kota_jambi, new_ba):
    other = AssistantFactory()
    cooperative = free_kota_jambi[0]
    client = login("staf.kotajambi")
    url = reverse("assistants:assign", args=[cooperative.pk])
    assert client.post(url, {"assistant": new_ba.pk, "date": "2025-11-20"}).status_code == 302
    response = client.post(url, {"assistant": other.pk, "date": "2025-11-25"})
    assert response.status_code == 200  # a transfer needs a reason
    assert client.post(url, {"assistant": other.pk, "date": "2025-11-25", "reason": "Rotasi"}).status_code == 302
    page = client.get(cooperative.get_absolute_url())
    assert [a.assistant for a in page.context["history"]][:2] == [other, new_ba]


def test_resign_with_caseload_offers_handover(login):
    ba = Assistant.objects.filter(work_area_id="15.71", role="BA").first()
    client = login("staf.kotajambi")
    response = client.post(reverse("assistants:resign", args=[ba.pk]))
    assert response.url == reverse("assistants:handover", args=[ba.pk])
    form = client.get(reverse("assistants:update", args=[ba.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None} | {"status": "resigned"}
    data["work_area"] = ba.work_area_id
    data["supervisor"] = ba.supervisor_id or ""
    data["contract_start"] = "2025-10-01"
    data["contract_end"] = "2026-12-31"
    response = client.post(reverse("assistants:update", args=[ba.pk]), data)
    assert response.status_code == 200
    assert response.context["handover_url"] == reverse("assistants:handover", args=[ba.pk])
    ba.refresh_from_db()
    assert ba.status == "active"


def test_handover_page(login):
    ba, receiver = Assistant.objects.with_load().filter(work_area_id="15.71", role="BA").order_by("load")[:2]
    client = login("staf.kotajambi")
    url = reverse("assistants:handover", args=[receiver.pk])
    response = client.post(url, {"to_assistants": [ba.pk], "reason": "Cuti", "date": "2025-11-25"})
    assert response.status_code == 200  # 9 + 9 > 10: refused, nothing moved
    assert Assignment.objects.active().filter(assistant=receiver).count() == receiver.load
    new = AssistantFactory()
    response = client.post(url, {"to_assistants": [new.pk], "reason": "Cuti", "date": "2025-11-25"})
    assert response.status_code == 302
    assert Assignment.objects.active().filter(assistant=new).count() == receiver.load


def test_planner_preview_and_apply(login, free_kota_jambi, new_ba):
    client = login("staf.kotajambi")
    url = reverse("assistants:planner")
    response = client.get(url)
    plan = response.context["plan"]
    assert len(plan.proposals) == 20 and plan.unplaced == []
    assert max(response.context["loads"].values()) <= 10
    # A stale preview is not applied: the user sees the new proposal first.
    assert client.post(url, {"fingerprint": "stale", "confirm": "yes"}).url == f"{url}?regency=15.71"
    assert Assignment.objects.active().filter(cooperative__in=free_kota_jambi).count() == 0
    # A bulk write asks first: without the box ticked nothing is applied.
    assert 'id="confirm-plan"' in response.content.decode()
    assert client.post(url, {"fingerprint": plan.fingerprint}).url == f"{url}?regency=15.71"
    assert Assignment.objects.active().filter(cooperative__in=free_kota_jambi).count() == 0
    assert client.post(url, {"fingerprint": plan.fingerprint, "confirm": "yes"}).status_code == 302
    assert Assignment.objects.active().filter(cooperative__in=free_kota_jambi).count() == 20


def test_cooperative_page_shows_current_ba(login, kota_jambi_cooperative):
    response = login("staf.kotajambi").get(kota_jambi_cooperative.get_absolute_url())
    current = Assignment.objects.active().get(cooperative=kota_jambi_cooperative)
    assert response.context["current_assignment"] == current
    assert current.assistant.name in response.content.decode()


def test_board_values_are_not_localized(login, free_kota_jambi, new_ba):
    """Thousand separators must never reach form values (1.449 is not a primary key)."""
    html = login("staf.kotajambi").get(reverse("assistants:board")).content.decode()
    big = max(c.pk for c in free_kota_jambi)
    assert big >= 1000
    assert f'value="{big}"' in html


def test_bad_ids_are_refused_not_crashed(login, free_kota_jambi, new_ba):
    client = login("staf.kotajambi")
    response = client.post(reverse("assistants:board"), {"assistant": new_ba.pk, "cooperatives": ["²", "9" * 25]})
    assert response.status_code == 200
    ba = Assistant.objects.filter(work_area_id="15.71", role="BA").first()
    response = client.post(
        reverse("assistants:handover", args=[ba.pk]), {"to_assistants": ["9" * 25], "reason": "x", "date": "2025-11-25"}
    )
    assert response.status_code == 200 and "to_assistants" in response.context["form"].errors
    response = client.post(
        reverse("assistants:assign", args=[free_kota_jambi[0].pk]), {"assistant": "²", "date": "2025-11-25"}
    )
    assert response.status_code == 200


def test_a_ba_with_a_caseload_keeps_role_and_regency(login):
    ba = Assistant.objects.filter(work_area_id="15.71", role="BA").first()
    client = login("staf.kotajambi")
    form = client.get(reverse("assistants:update", args=[ba.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "work_area": "15.71",
            "role": "PMO",
            "supervisor": ba.supervisor_id or "",
            "contract_start": "2025-10-01",
            "contract_end": "2026-12-31",
        }
    )
    response = client.post(reverse("assistants:update", args=[ba.pk]), data)
    assert response.status_code == 200 and response.context["handover_url"]
    ba.refresh_from_db()
    assert ba.role == "BA"


def test_planner_for_the_province_chooses_a_regency(login, free_kota_jambi, new_ba):
    client = login("admin.provinsi")
    url = reverse("assistants:planner")
    response = client.get(url)
    assert "plan" not in response.context and response.context["staffing"]
    assert 'name="regency"' in response.content.decode()  # the PlannerFilter form
    plan = client.get(url, {"wilayah": "15.71.01"}).context["plan"]  # a dashboard code names its regency
    assert len(plan.proposals) == 20
    # The apply form repeats its regency, so a POST to the bare address applies that regency's plan.
    response = client.post(url, {"regency": "15.71", "fingerprint": plan.fingerprint, "confirm": "yes"})
    assert response.url == f"{reverse('assistants:board')}?regency=15.71"
    assert Assignment.objects.active().filter(cooperative__in=free_kota_jambi).count() == 20


def test_a_refused_bulk_assign_keeps_the_ticks_and_the_filter(login, free_kota_jambi, new_ba):
    client = login("admin.provinsi")
    url = reverse("assistants:board") + "?regency=15.71&q=" + free_kota_jambi[0].name[:6]
    response = client.post(url, {"cooperatives": [free_kota_jambi[0].pk]})
    assert response.status_code == 200  # no BA chosen: refused, nothing assigned
    assert Assignment.objects.active().filter(cooperative=free_kota_jambi[0]).count() == 0
    assert response.context["selected"] == {free_kota_jambi[0].pk}
    assert response.context["regency"].code == "15.71"
    shown = [c for _d, cooperatives in response.context["groups"] for c in cooperatives]
    assert free_kota_jambi[0] in shown and all(free_kota_jambi[0].name[:6].lower() in c.name.lower() for c in shown)


def test_a_pmos_page_shows_no_assignment_history_a_bas_does(login):
    from assistants.models import Assistant

    client = login("staf.kotajambi")
    pmo = Assistant.objects.filter(role="PMO", work_area_id="15.71").first()
    ba = Assistant.objects.filter(role="BA", work_area_id="15.71").first()
    assert 'id="assignment-history"' not in client.get(pmo.get_absolute_url()).content.decode()
    assert 'id="assignment-history"' in client.get(ba.get_absolute_url()).content.decode()


def test_a_refused_bulk_assign_keeps_the_ba_and_the_reason(login, free_kota_jambi, new_ba):
    """Refused because the BA is full: the page comes back with the BA and the reason as sent."""
    from assistants import services

    services.bulk_assign(assistant=new_ba, cooperatives=free_kota_jambi[:10], by=None, reason="Awal")
    client = login("admin.provinsi")
    url = reverse("assistants:board") + "?regency=15.71"
    data = {"cooperatives": [free_kota_jambi[10].pk], "assistant": new_ba.pk, "reason": "Mutasi dari Kerinci"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert Assignment.objects.active().filter(cooperative=free_kota_jambi[10]).count() == 0
    html = response.content.decode()
    assert f'<option value="{new_ba.pk}" selected>' in html
    assert 'value="Mutasi dari Kerinci"' in html


def test_penugasan_at_national_scope_shows_staffing_per_province_then_its_regencies(demo, client):
    from cooperatives.services import load_regions

    load_regions(["17"])
    client.force_login(User.objects.create_superuser("pusat", password="x"))
    url = reverse("assistants:board")
    staffing = client.get(url).context["staffing"]
    assert [row.regency.code for row in staffing] == ["15", "17"]
    jambi = staffing[0]
    assert jambi.cooperatives == 1585 and jambi.bas_available == 156
    national = client.get(url)
    assert 'data-province="15"' in national.content.decode()
    assert national.context["total"].cooperatives == 1585
    jambi_page = client.get(url, {"wilayah": "15"})
    regencies = jambi_page.context["staffing"]
    assert len(regencies) == 11
    assert jambi_page.context["total"].without_ba == jambi.without_ba == sum(r.without_ba for r in regencies)
    assert jambi.bas_needed == sum(r.bas_needed for r in regencies) and jambi.gap == sum(r.gap for r in regencies)
    chosen = client.get(url, {"regency": "15.71"}).context["staffing"]
    assert {row.regency.code[:2] for row in chosen} == {"15"} and len(chosen) == 11


def test_penugasan_without_a_regency_shows_only_a_sample_of_rows(demo, login):
    from assistants.views import MAX_ROWS_WITHOUT_REGENCY

    Assignment.objects.filter(cooperative__village__code__startswith="15.01.").delete()  # 287 unassigned
    client = login("admin.provinsi")
    page = client.get(reverse("assistants:board"))
    shown = sum(len(rows) for _district, rows in page.context["groups"])
    assert shown == MAX_ROWS_WITHOUT_REGENCY and page.context["too_many"]
    chosen = client.get(reverse("assistants:board"), {"regency": "15.01"})
    assert sum(len(rows) for _district, rows in chosen.context["groups"]) == 287  # every one of the regency


def test_the_regency_picker_at_national_scope_offers_one_provinces_regencies(demo, client):
    client.force_login(User.objects.create_superuser("pusat2", password="x"))
    for name in ("assistants:board", "assistants:planner"):
        url = reverse(name)
        assert len(client.get(url).context["filter"].form.fields["regency"].choices) == 1  # "Semua" only
        assert len(client.get(url, {"wilayah": "15"}).context["filter"].form.fields["regency"].choices) == 12
        chosen = client.get(url, {"regency": "15.71"})
        assert chosen.status_code == 200 and chosen.context["regency"].code == "15.71"


def test_the_planner_at_national_scope_shows_staffing_per_province(demo, client):
    from cooperatives.services import load_regions

    load_regions(["17"])
    client.force_login(User.objects.create_superuser("pusat3", password="x"))
    page = client.get(reverse("assistants:planner"))
    assert [row.regency.code for row in page.context["staffing"]] == ["15", "17"]
    assert 'href="?wilayah=15"' in page.content.decode()
    assert len(client.get(reverse("assistants:planner"), {"wilayah": "15"}).context["staffing"]) == 11
