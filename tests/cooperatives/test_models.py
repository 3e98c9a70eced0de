import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperatives.models import BoardMember, BusinessUnit, Cooperative, Region
from tests.factories import BoardMemberFactory, BusinessUnitFactory, CooperativeFactory, VillageFactory

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def create_through_the_form(village):
    """The one way a cooperative is created from a page: the create form names and types it."""
    from accounts.models import User
    from cooperatives.forms import CooperativeCreateForm

    form = CooperativeCreateForm(
        {"village": village.code, "name": "", "formation_scheme": "baru", "members_count": 20},
        user=User.objects.get(username="admin.provinsi"),
    )
    assert form.is_valid(), form.errors
    return form.save()


def test_create_follows_the_naming_rule(demo):
    village = VillageFactory(name="Uji Coba")
    cooperative = create_through_the_form(village)
    assert cooperative.name == "Koperasi Kelurahan Merah Putih Uji Coba"
    assert cooperative.kind == Cooperative.Kind.KKMP


def test_desa_gets_kdmp(demo):
    desa = VillageFactory(code="15.01.01.2999", parent_id="15.01.01", kind=Region.VillageKind.DESA, name="Uji")
    assert create_through_the_form(desa).name == "Koperasi Desa Merah Putih Uji"


def test_kind_must_match_village(demo):
    cooperative = CooperativeFactory.build(village=VillageFactory(), kind=Cooperative.Kind.KDMP)
    assert "kind" in errors_of(cooperative)


def test_seat_must_be_a_village(demo):
    cooperative = Cooperative(village=Region.objects.get(code="15.71.01"), name="X", kind="KKMP")
    assert "village" in errors_of(cooperative)


def test_one_cooperative_per_village(demo, kota_jambi_cooperative):
    duplicate = Cooperative(village=kota_jambi_cooperative.village, name="Lain", kind="KKMP")
    assert "village" in errors_of(duplicate)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cooperative.objects.create(village=kota_jambi_cooperative.village, name="Lain", kind="KKMP")


def test_milestones_in_order(demo):
    cooperative = CooperativeFactory.build(
        village=VillageFactory(),
        musdesus_date=dt.date(2025, 5, 10),
        notary_deed_date=dt.date(2025, 5, 1),
        legal_entity_date=dt.date(2025, 6, 1),
        simkopdes_date=dt.date(2025, 5, 20),
    )
    errors = errors_of(cooperative)
    assert "notary_deed_date" in errors
    assert "simkopdes_date" in errors


def test_milestone_not_in_future(demo):
    cooperative = CooperativeFactory.build(
        village=VillageFactory(), musdesus_date=timezone.localdate() + dt.timedelta(days=1)
    )
    assert "musdesus_date" in errors_of(cooperative)


def test_loan_needs_legal_entity(demo):
    cooperative = CooperativeFactory.build(village=VillageFactory(), loan_proposal_date=dt.date(2025, 9, 1))
    assert "loan_proposal_date" in errors_of(cooperative)


def test_latest_milestone(demo):
    cooperative = CooperativeFactory.build(
        village=VillageFactory(), musdesus_date=dt.date(2025, 5, 1), notary_deed_date=dt.date(2025, 5, 9)
    )
    assert str(cooperative.latest_milestone) == str(dict(Cooperative.MILESTONES)["notary_deed_date"])


def test_business_unit_type_once_except_other(demo):
    unit = BusinessUnitFactory(unit_type=BusinessUnit.Type.GROCERY)
    assert "__all__" in errors_of(BusinessUnit(cooperative=unit.cooperative, unit_type=BusinessUnit.Type.GROCERY))
    BusinessUnitFactory(cooperative=unit.cooperative, unit_type="lainnya", other_name="Pangkalan LPG")
    BusinessUnitFactory(cooperative=unit.cooperative, unit_type="lainnya", other_name="Agen pupuk")
    assert "other_name" in errors_of(BusinessUnit(cooperative=unit.cooperative, unit_type="lainnya"))


def test_board_term_order_and_single_chair(demo):
    member = BoardMemberFactory(position=BoardMember.Position.CHAIR)
    late = BoardMember(
        cooperative=member.cooperative,
        name="B",
        nik="1571010101900099",
        gender="P",
        position=BoardMember.Position.SUPERVISOR,
        term_start=dt.date(2025, 5, 1),
        term_end=dt.date(2025, 4, 1),
    )
    assert "term_end" in errors_of(late)
    second_chair = BoardMember(
        cooperative=member.cooperative,
        name="C",
        nik="1571010101900098",
        gender="L",
        position=BoardMember.Position.CHAIR,
        term_start=dt.date(2025, 5, 1),
    )
    assert "position" in errors_of(second_chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMember.objects.create(
            cooperative=member.cooperative,
            name="D",
            nik="1571010101900097",
            gender="L",
            position="ANGGOTA_PENGAWAS",
            term_start=dt.date(2025, 5, 1),
            term_end=dt.date(2025, 1, 1),
        )


def test_same_person_once_per_board(demo):
    member = BoardMemberFactory()
    duplicate = BoardMember(
        cooperative=member.cooperative,
        name="X",
        nik=member.nik,
        gender="L",
        position=BoardMember.Position.SUPERVISOR,
        term_start=dt.date(2025, 5, 1),
    )
    assert "__all__" in errors_of(duplicate)
