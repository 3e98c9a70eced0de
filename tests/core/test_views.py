"""The view idiom of core/views.py: login → permission (403) → scope (404), for a page about one
object (ScopedObjectMixin) and a page under a scoped parent (ScopedChildMixin); and the FilterSets
the Penugasan board and the planner are built on (assistants/filters.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import DetailView, ListView

from accounts.models import User
from assistants.filters import PlannerFilter, UnassignedFilter
from assistants.models import Assignment
from assistants.selectors import unassigned_for
from cooperatives.models import BoardMember, Cooperative, Region
from cooperatives.selectors import regencies_for
from core.views import ScopedChildMixin, ScopedObjectMixin

pytestmark = pytest.mark.django_db


class CooperativePage(ScopedObjectMixin, DetailView):
    permission_required = "cooperatives.view_cooperative"
    model = Cooperative

    def render_to_response(self, context):
        return HttpResponse(self.object.name)


class BoardPage(ScopedChildMixin, ListView):
    permission_required = "cooperatives.view_boardmember"
    parent_model = Cooperative
    parent_url_kwarg = "cooperative_pk"
    model = BoardMember

    def render_to_response(self, context):
        members = context["object_list"]
        return HttpResponse(f"{context['cooperative'].pk}:{len(members)}")


class BoardEditPage(BoardPage):
    permission_required = "cooperatives.add_boardmember"


def call(view, username, **kwargs):
    request = RequestFactory().get("/halaman/")
    request.user = User.objects.get(username=username) if username else AnonymousUser()
    return view.as_view()(request, **kwargs)


@pytest.mark.parametrize("view, kwarg", [(CooperativePage, "pk"), (BoardPage, "cooperative_pk")])
def test_anonymous_is_sent_to_the_login_page(demo, kota_jambi_cooperative, view, kwarg):
    response = call(view, None, **{kwarg: kota_jambi_cooperative.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_without_the_permission_is_403_before_any_lookup(demo, kota_jambi_cooperative, kerinci_cooperative):
    # The head of office reads but does not add: a 403, inside the scope and for a cooperative
    # that does not exist alike (the permission is checked before the parent is looked up).
    with pytest.raises(PermissionDenied):
        call(BoardEditPage, "kepala.dinas", cooperative_pk=kota_jambi_cooperative.pk)
    with pytest.raises(PermissionDenied):
        call(BoardEditPage, "kepala.dinas", cooperative_pk=10**9)
    assert call(BoardPage, "kepala.dinas", cooperative_pk=kerinci_cooperative.pk).status_code == 200


def test_outside_the_scope_is_404(demo, kerinci_cooperative):
    with pytest.raises(Http404):
        call(CooperativePage, "staf.kotajambi", pk=kerinci_cooperative.pk)
    with pytest.raises(Http404):
        call(BoardPage, "staf.kotajambi", cooperative_pk=kerinci_cooperative.pk)
    with pytest.raises(Http404):
        call(BoardEditPage, "staf.kotajambi", cooperative_pk=kerinci_cooperative.pk)


def test_a_ba_login_reaches_only_parents_in_its_caseload(demo):
    ba_user = User.objects.get(username="ba.kotajambi")
    own = Assignment.objects.active().filter(assistant__user=ba_user).first().cooperative
    other = Cooperative.objects.filter(village__code__startswith="15.71.").exclude(
        assignments__assistant__user=ba_user
    )[0]
    assert call(BoardPage, "ba.kotajambi", cooperative_pk=own.pk).status_code == 200
    with pytest.raises(Http404):
        call(BoardPage, "ba.kotajambi", cooperative_pk=other.pk)


def test_the_child_rows_are_the_parents(demo, kota_jambi_cooperative):
    response = call(BoardPage, "staf.kotajambi", cooperative_pk=kota_jambi_cooperative.pk)
    expected = BoardMember.objects.filter(cooperative=kota_jambi_cooperative).count()
    assert expected > 0
    assert response.content.decode() == f"{kota_jambi_cooperative.pk}:{expected}"


def test_the_real_pages_follow_the_idiom(login, client, kota_jambi_cooperative, kerinci_cooperative):
    board_create = "cooperatives:board_create"
    assert client.get(reverse(board_create, args=[kota_jambi_cooperative.pk])).url.startswith(reverse("login"))
    # The resign button is a POST: anything else is a 405 before the login, as it always was.
    assert client.get(reverse("assistants:resign", args=[1])).status_code == 405
    assert login("kepala.dinas").get(reverse(board_create, args=[kerinci_cooperative.pk])).status_code == 403
    staff = login("staf.kotajambi")
    assert staff.get(reverse(board_create, args=[kerinci_cooperative.pk])).status_code == 404
    assert staff.get(reverse(board_create, args=[kota_jambi_cooperative.pk])).status_code == 200
    # Penugasan and the planner are regency work: a BA's own login gets a 403.
    ba = login("ba.kotajambi")
    assert ba.get(reverse("assistants:board")).status_code == 403
    assert ba.get(reverse("assistants:planner")).status_code == 403


def _unassigned(username, **params):
    user = User.objects.get(username=username)
    data = QueryDict(mutable=True)
    data.update(params)
    return UnassignedFilter(data, queryset=unassigned_for(user).order_by("village_id"), user=user)


def test_a_filter_on_the_board_narrows_its_rows(login, demo):
    every = list(unassigned_for(User.objects.get(username="admin.provinsi")))
    assert len(every) == 31
    sample = every[0]
    district = sample.village.parent_id
    in_district = [c for c in every if c.village_id.startswith(f"{district}.")]
    assert 0 < len(in_district) < len(every)

    filterset = _unassigned("admin.provinsi", district=district)
    assert filterset.is_valid()
    assert {c.pk for c in filterset.qs} == {c.pk for c in in_district}
    assert filterset.working_regency.code == district[:5]  # a district names its regency
    assert list(_unassigned("admin.provinsi", q=sample.name).qs) == [c for c in every if sample.name in c.name]

    # The page: the same rows, grouped under their district, and the BAs of its regency.
    response = login("admin.provinsi").get(reverse("assistants:board"), {"district": district})
    groups = dict(response.context["groups"])
    assert [d.code for d in groups] == [district]
    assert len(groups[Region.objects.get(code=district)]) == len(in_district)
    assert response.context["regency"].code == district[:5] and response.context["bas"]


def test_a_dashboard_link_names_the_regency_and_district(demo):
    filterset = _unassigned("admin.provinsi", wilayah="15.71.01.1001")
    assert filterset.working_regency.code == "15.71"
    assert filterset.form.data["district"] == "15.71.01"
    assert all(c.village_id.startswith("15.71.01.") for c in filterset.qs)
    # A province code narrows the rows to it; the regency stays unchosen.
    province = _unassigned("admin.provinsi", wilayah="15")
    assert province.working_regency is None and len(province.qs) == 31


def test_a_regency_user_works_in_its_own_regency(demo):
    filterset = _unassigned("staf.kotajambi", regency="15.01")
    assert "regency" not in filterset.form.fields  # no choice shown, another one is ignored
    assert filterset.working_regency.code == "15.71"
    assert "district" in filterset.form.fields


def test_the_planner_filter_picks_a_regency_in_scope(demo):
    user = User.objects.get(username="admin.provinsi")

    def planner(**params):
        data = QueryDict(mutable=True)
        data.update(params)
        return PlannerFilter(data, queryset=regencies_for(user), user=user)

    assert planner(wilayah="15.02.01").working_regency.code == "15.02"
    assert planner(regency="15.72").working_regency.code == "15.72"
    assert planner(regency="17.01").working_regency is None  # outside the scope: not a choice
    assert PlannerFilter(None, queryset=regencies_for(user), user=user).working_regency is None
