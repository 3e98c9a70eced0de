import pytest
from django.core.exceptions import ValidationError

from core.validators import mask_nik, validate_nib, validate_nik, validate_npwp, validate_phone


@pytest.mark.parametrize("nik", ["1571010101900001", "1501025512850123", "3171014512990001"])
def test_valid_nik(nik):
    validate_nik(nik)


@pytest.mark.parametrize(
    "nik, code",
    [
        ("157101010190001", "nik_format"),  # 15 digits
        ("15710101019000012", "nik_format"),  # 17 digits
        ("15710101019O0001", "nik_format"),  # letter O
        ("0571010101900001", "nik_province"),
        ("1571013201900001", "nik_birthdate"),  # day 32
        ("1571010113900001", "nik_birthdate"),  # month 13
        ("1571010101900000", "nik_serial"),
    ],
)
def test_invalid_nik(nik, code):
    with pytest.raises(ValidationError) as error:
        validate_nik(nik)
    assert error.value.code == code


@pytest.mark.parametrize(
    "phone", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "62812345678", "0741 123456", "(0741) 7551234"]
)
def test_valid_phone(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "0812", "+1 202 555 0100", "08123456789012345", "telp 0812"])
def test_invalid_phone(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_nib_and_npwp():
    validate_nib("1234567890123")
    validate_npwp("01.234.567.8-901.000")
    validate_npwp("1571010101900001")
    with pytest.raises(ValidationError):
        validate_nib("12345")
    with pytest.raises(ValidationError):
        validate_npwp("01.234.567")


def test_mask_nik():
    assert mask_nik("1571010101900001") == "1571********0001"
    assert mask_nik("") == ""


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("Rp 1.500.000.000", 1_500_000_000),
        ("Rp. 1.500.000.000,00", 1_500_000_000),
        ("RP 2.000.000", 2_000_000),
        ("1 500 000 000", 1_500_000_000),
        ("1\u00a0500\u00a0000", 1_500_000),
        (1500000000, 1_500_000_000),
        (2e9, 2_000_000_000),
        ("", None),
    ],
)
def test_rupiah_as_people_write_it(typed, amount):
    from core.validators import parse_rupiah

    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("odd", ["1.5", "Rp abc", "1.50.000", "-5", 1.5, True, "1,5"])
def test_rupiah_refuses_what_is_not_an_amount(odd):
    from core.validators import parse_rupiah

    with pytest.raises(ValueError):
        parse_rupiah(odd)


def test_an_excel_percent_cell_of_100_is_100():
    from cooperatives.resources import _percent

    assert (_percent(1.0), _percent(0.4), _percent("40%"), _percent(40)) == (100, 40, 40, 40)
