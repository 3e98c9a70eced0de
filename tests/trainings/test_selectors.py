import pytest

from accounts.models import User
from cooperatives.models import Cooperative
from trainings.selectors import board_trainings_for_cooperative, training_coverage

pytestmark = pytest.mark.django_db


def test_coverage_per_regency(demo, django_assert_max_num_queries):
    user = User.objects.get(username="kepala.dinas")
    user.get_all_permissions()  # a page has loaded them already (the BA-caseload check reads them)
    with django_assert_max_num_queries(5):  # + the "at least one board member" count
        rows = training_coverage(user)
    assert len(rows) == 11
    kota = next(r for r in rows if r.regency.code == "15.71")
    assert kota.cooperatives == 68
    assert kota.staff["PMO"][1] == 2 and kota.staff["BA"][1] == 7
    assert 0 < kota.boards["KETUA"] <= 68
    kerinci = next(r for r in rows if r.regency.code == "15.01")
    assert kerinci.boards == {} and kerinci.cooperatives == 287
    assert sum(r.staff["BA"][1] for r in rows) == 156


def test_coverage_is_scoped(demo):
    rows = training_coverage(User.objects.get(username="staf.kerinci"))
    assert [r.regency.code for r in rows] == ["15.01"]


def test_board_trainings_for_a_cooperative(demo, django_assert_num_queries):
    cooperative = Cooperative.objects.get(village_id="15.71.01.1001")
    with django_assert_num_queries(1):
        trainings = list(board_trainings_for_cooperative(cooperative))
    assert len(trainings) == 5
    assert {t.board_member.cooperative_id for t in trainings} == {cooperative.pk}
    assert trainings[0].cohort.program.audience == "board"
    other = Cooperative.objects.get(village_id="15.01.01.2001")
    assert not board_trainings_for_cooperative(other).exists()


def test_coverage_at_national_scope_is_by_province_then_drills_down(demo, client):
    from django.urls import reverse

    from cooperatives.services import load_regions

    load_regions(["17"])  # Bengkulu: a second province, without cooperatives
    superuser = User.objects.create_superuser("pusat", password="x")
    client.force_login(superuser)
    url = reverse("trainings:coverage")
    rows = client.get(url).context["rows"]
    assert [r.regency.code for r in rows] == ["15", "17"]
    jambi = rows[0]
    assert jambi.cooperatives == 1585 and jambi.staff["BA"][1] == 156
    assert rows[1].cooperatives == 0
    page = client.get(url, {"wilayah": "15"})
    assert len(page.context["rows"]) == 11 and 'id="coverage-nation"' in page.content.decode()
    assert sum(r.cooperatives for r in page.context["rows"]) == 1585
    assert client.get(url, {"wilayah": "15.71.01"}).status_code == 404  # a district is no base
    staff = client.get(url, {"wilayah": "99"})
    assert staff.status_code == 404


def test_coverage_outside_the_scope_is_not_found(demo, client):
    from django.urls import reverse

    from cooperatives.services import load_regions

    load_regions(["17"])
    client.force_login(User.objects.get(username="kepala.dinas"))
    assert client.get(reverse("trainings:coverage"), {"wilayah": "17"}).status_code == 404
    assert client.get(reverse("trainings:coverage"), {"wilayah": "15.71"}).context["rows"][0].cooperatives == 68


def test_coverage_is_cached_until_a_change(demo, settings, django_assert_max_num_queries):
    from django.core.cache import caches

    cache = caches["shared"]
    settings.KDKMP_DASHBOARD_CACHE_SECONDS = 600
    settings.KDKMP_DASHBOARD_REFRESH_SECONDS = 0  # the last computation is long ago
    cache.clear()
    user = User.objects.get(username="kepala.dinas")
    user.get_all_permissions()
    try:
        first = training_coverage(user)
        with django_assert_max_num_queries(2):  # the fingerprint and the shared cache's entry
            again = training_coverage(user)
        assert [(r.regency.code, r.cooperatives) for r in again] == [(r.regency.code, r.cooperatives) for r in first]
        from tests.factories import CooperativeFactory, VillageFactory

        CooperativeFactory(village=VillageFactory())  # a new row: the next view recounts
        assert sum(r.cooperatives for r in training_coverage(user)) == sum(r.cooperatives for r in first) + 1
    finally:
        cache.clear()
