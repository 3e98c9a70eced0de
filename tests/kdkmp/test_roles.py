import pytest
from django.urls import reverse

from accounts.models import User
from assistants.models import Assignment, Assistant
from cooperatives.models import Cooperative

pytestmark = pytest.mark.django_db


def test_ba_login_sees_only_the_own_caseload(login):
    user = User.objects.get(username="ba.kotajambi")
    ba = Assistant.objects.get(user=user)
    caseload = set(Assignment.objects.active().filter(assistant=ba).values_list("cooperative_id", flat=True))
    assert len(caseload) >= 9
    client = login("ba.kotajambi")
    assert client.get(reverse("home")).url == reverse("reports:my_work")
    listed = client.get(reverse("cooperatives:list"), {"page": 1}).context["table"]
    assert listed.paginator.count == len(caseload)
    outside = Cooperative.objects.filter(village__code__startswith="15.71.").exclude(pk__in=caseload).first()
    assert client.get(outside.get_absolute_url()).status_code == 404
    inside = Cooperative.objects.get(pk=next(iter(caseload)))
    assert client.get(inside.get_absolute_url()).status_code == 200
    assert client.get(reverse("assistants:list")).context["table"].paginator.count == 1
    assert client.get(reverse("cooperatives:update", args=[inside.pk])).status_code == 403
    # NIK numbers are masked for a BA.
    member = inside.board_members.first()
    assert member.nik not in client.get(inside.get_absolute_url()).content.decode()


def test_pmo_login_reads_the_area(login):
    client = login("pmo.kotajambi")
    assert client.get(reverse("cooperatives:list")).context["table"].paginator.count == 68
    bas = client.get(reverse("assistants:list"), {"role": "BA"}).context["table"].paginator.count
    assert bas == 7
    pmo = Assistant.objects.get(user__username="pmo.kotajambi")
    assert len(client.get(pmo.get_absolute_url()).context["area_bas"]) == 7
    assert client.get(reverse("assistants:board")).status_code == 200
    kota = Cooperative.objects.filter(village__code__startswith="15.71.").first()
    assert client.post(reverse("assistants:assign", args=[kota.pk]), {}).status_code == 403


def test_a_ba_login_page_has_no_links_it_cannot_open(login):
    import re

    client = login("ba.kotajambi")
    ba = Assistant.objects.get(user__username="ba.kotajambi")
    for url in [
        ba.get_absolute_url(),
        Assignment.objects.active().filter(assistant=ba).first().cooperative.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        for link in set(re.findall(r'href="(/(?:koperasi|pendamping)/\d+/)"', html)):
            assert client.get(link).status_code == 200, (url, link)
