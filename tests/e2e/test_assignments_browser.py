import pytest

from assistants.models import Assignment, Assistant
from tests.factories import AssignmentFactory, AssistantFactory, cooperatives_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(small_jambi):
    """Twenty Kota Jambi cooperatives without a BA, a new BA with an empty caseload, and a BA
    with room (three cooperatives of its own)."""
    freed = cooperatives_in("15.71", 20)
    with_room = AssistantFactory(name="Sari Pendamping", work_area_id="15.71")
    for cooperative in cooperatives_in("15.71", 3):
        AssignmentFactory(assistant=with_room, cooperative=cooperative)
    return AssistantFactory(name="Budi Penguji", work_area_id="15.71"), freed


def test_assign_ten_refuse_the_eleventh_transfer_and_read_history(log_in, setup):
    ba, freed = setup
    page = log_in("staf.kotajambi")
    page.click("#menu-assistants")  # the menu's Pendamping group
    page.click("nav a[href='/penugasan/']")
    boxes = page.locator("input[name=cooperatives]")
    assert boxes.count() == 20
    for index in range(10):
        boxes.nth(index).check()
    page.select_option("#f-assistant", str(ba.pk))
    page.fill("#f-reason", "Penugasan awal")
    page.click("#assign-form button[type=submit]")
    assert "10" in page.inner_text(".alert-success")
    assert page.locator("input[name=cooperatives]").count() == 10
    assert f"{ba.name} — 10/10" in page.inner_text("#f-assistant")

    page.locator("input[name=cooperatives]").first.check()
    page.select_option("#f-assistant", str(ba.pk))
    page.click("#assign-form button[type=submit]")
    refusal = page.inner_text(".alert-danger")
    assert "sudah mendampingi 10 koperasi" in refusal and ba.name in refusal
    assert Assignment.objects.active().filter(assistant=ba).count() == 10

    # Transfer one of the ten to a BA with room.
    cooperative = Assignment.objects.active().filter(assistant=ba).order_by("cooperative__village").first().cooperative
    receiver = (
        Assistant.objects.with_load().filter(work_area_id="15.71", role="BA", load__lt=10).exclude(pk=ba.pk).first()
    )
    page.goto(cooperative.get_absolute_url())
    assert ba.name in page.inner_text("#current-ba")
    page.click("#assignment-card .card-header a")
    page.select_option("select[name=assistant]", str(receiver.pk))
    page.fill("input[name=reason]", "Rotasi wilayah")
    page.click("form input[type=submit]")
    page.wait_for_url(f"**{cooperative.get_absolute_url()}")
    assert receiver.name in page.inner_text("#current-ba")
    history = page.inner_text("#assignment-card table.history")
    assert ba.name in history and receiver.name in history and "Rotasi wilayah" in history

    page.goto(ba.get_absolute_url())
    assert page.inner_text("#load") == "9/10"
