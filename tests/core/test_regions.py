import pytest

from core import regions


@pytest.mark.parametrize(
    "code, level",
    [
        ("15", "province"),
        ("15.71", "regency"),
        ("15.71.01", "district"),
        ("15.71.01.1001", "village"),
        ("1571", None),
        ("15.7", None),
        ("", None),
        ("15.71.01.1001.1", None),
    ],
)
def test_level_of(code, level):
    assert regions.level_of(code) == level


def test_ancestors_and_parts():
    village = "15.71.01.1001"
    assert regions.province_of(village) == "15"
    assert regions.regency_of(village) == "15.71"
    assert regions.district_of(village) == "15.71.01"
    assert regions.parent_of(village) == "15.71.01"
    assert regions.parent_of("15") == ""
    assert regions.regency_of("15") == ""  # above that level
    assert regions.ancestors_of(village) == ["15", "15.71", "15.71.01"]
    assert regions.ancestors_of("15.71", including_self=True) == ["15", "15.71"]


def test_lies_in_is_a_path_prefix_not_a_text_prefix():
    assert regions.lies_in("15.71.01", "15.71")
    assert regions.lies_in("15.71", "15.71")
    assert regions.lies_in("15.71", "")
    assert not regions.lies_in("15.710", "15.71")
    assert not regions.lies_in("15.7", "15.71")


@pytest.mark.django_db
def test_within_q_keeps_the_area_and_what_lies_under_it():
    from cooperatives.models import Region

    Region.objects.bulk_create(
        [
            Region(code="91", name="P", level="province"),
            Region(code="91.01", name="R1", level="regency", parent_id="91"),
            Region(code="91.10", name="R10", level="regency", parent_id="91"),
            Region(code="91.01.01", name="D", level="district", parent_id="91.01"),
        ]
    )
    codes = set(Region.objects.filter(regions.within_q("code", "91.01")).values_list("code", flat=True))
    assert codes == {"91.01", "91.01.01"}
    assert not Region.objects.filter(regions.beneath_q("code", "91.01")).filter(code="91.01").exists()
