"""Validators for Indonesian identifiers, with messages users can act on."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_RE = re.compile(r"^\d{16}$")
# +62 / 62 / 0, then an area or mobile prefix (no leading 0), then 6-11 digits.
PHONE_RE = re.compile(r"^(?:\+62|62|0)[1-9]\d{6,11}$")
SEPARATORS = re.compile(r"[\s\-\.\(\)]")


def validate_nik(value):
    """NIK (Nomor Induk Kependudukan): 16 digits; district code, birth date (day+40 for women),
    serial."""
    if not NIK_RE.match(value or ""):
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    province = int(value[0:2])
    day, month = int(value[6:8]), int(value[8:10])
    if not 11 <= province <= 96:
        raise ValidationError(_("NIK does not start with a valid province code (11–96)."), code="nik_province")
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        raise ValidationError(
            _("NIK digits 7–12 must be a birth date (DDMMYY; women add 40 to the day)."),
            code="nik_birthdate",
        )
    if value[12:] == "0000":
        raise ValidationError(_("The last four digits of a NIK cannot be 0000."), code="nik_serial")


def strip_separators(value):
    return SEPARATORS.sub("", value or "")


def validate_phone(value):
    if not PHONE_RE.match(strip_separators(value)):
        raise ValidationError(
            _("Enter an Indonesian phone number, e.g. 0812-3456-7890, +62 812 3456 7890 or 0741 123456."),
            code="phone",
        )


def mask_nik(value):
    """1571********0001: enough to tell people apart, not enough to misuse."""
    if not value or len(value) < 8:
        return value or ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def validate_nib(value):
    """NIB (Nomor Induk Berusaha, from OSS): 13 digits."""
    if not re.fullmatch(r"\d{13}", value or ""):
        raise ValidationError(_("NIB must be exactly 13 digits."), code="nib")


def validate_npwp(value):
    """NPWP: 15 digits (old form, often written 01.234.567.8-901.000) or 16 digits (new form)."""
    digits = re.sub(r"[.\-\s]", "", value or "")
    if not re.fullmatch(r"\d{15}|\d{16}", digits):
        raise ValidationError(_("NPWP must be 15 or 16 digits, e.g. 01.234.567.8-901.000."), code="npwp")


RUPIAH = re.compile(r"^(?:rp\.?)?\s*(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,00?)?$", re.IGNORECASE)


def parse_rupiah(value) -> int | None:
    """An amount in whole Rupiah as people write it: "Rp 1.500.000.000", "Rp. 1.500.000.000,00",
    "1 500 000 000", 1500000000 (an Excel number). None when empty; ValueError when it is not one
    (a decimal point such as "1.5" is not read as fifteen)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    match = RUPIAH.match(text)
    if not match:
        raise ValueError(value)
    return int(re.sub(r"[.\s]", "", match.group(1)))


SCORE = re.compile(r"^-?\d{1,3}(?:[.,]\d{1,2})?$")  # "1.000" is ambiguous: refused


def score_text(score) -> str:
    """A stored score as people read it: 85, 85,5 (no trailing zeros of the two decimals), in the
    active language's number format. The sheet, the messages and the pass mark all use it."""
    from django.utils.formats import number_format

    if score is None:
        return ""
    score = Decimal(score)
    return number_format(score.quantize(Decimal(1)) if score == score.to_integral() else score.normalize())


def parse_score(value) -> Decimal | None:
    """A test score as people type it: "85", "85,5" (Indonesian), "85.5", or an Excel number.
    None when empty; ValueError when it is not a number. The 0–100 range is the service's rule."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    if not SCORE.match(text):
        raise ValueError(value)
    return Decimal(text.replace(",", "."))
