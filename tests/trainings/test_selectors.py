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
