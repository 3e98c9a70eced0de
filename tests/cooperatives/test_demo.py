from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from accounts.models import User
from cooperatives.models import BoardMember, BusinessUnit, Cooperative

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Cooperative.objects.count(),
        BoardMember.objects.count(),
        BusinessUnit.objects.count(),
        User.objects.count(),
        Cooperative.objects.aggregate(m=Max("updated_at"))["m"],
    )


def test_demo_has_one_cooperative_per_jambi_village(demo):
    assert Cooperative.objects.filter(village__code__startswith="15.").count() == 1585
    assert Cooperative.objects.filter(kind="KDMP").count() == 1414
    assert Cooperative.objects.filter(kind="KKMP").count() == 171


def test_names_follow_the_official_rule(demo):
    for cooperative in Cooperative.objects.select_related("village")[:200]:
        word = "Kelurahan" if cooperative.village.kind == "kelurahan" else "Desa"
        assert cooperative.name == f"Koperasi {word} Merah Putih {cooperative.village.name}"


def test_every_cooperative_has_a_valid_board_of_five(demo):
    sizes = set(Cooperative.objects.annotate(n=Count("board_members")).values_list("n", flat=True))
    assert sizes == {5}
    for member in BoardMember.objects.select_related("cooperative")[:100]:
        member.full_clean()


def test_demo_data_is_valid_and_varied(demo):
    for cooperative in Cooperative.objects.select_related("village")[:300]:
        cooperative.full_clean()
    assert Cooperative.objects.filter(outlet_operating_date__isnull=False).exists()
    assert Cooperative.objects.filter(simkopdes_date__isnull=True).exists()
    assert BusinessUnit.objects.values("unit_type").distinct().count() == 7


def test_running_twice_changes_nothing(demo):
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "(0 new)" in out.getvalue()
    assert "staf.kotajambi" in out.getvalue()
