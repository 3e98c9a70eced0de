"""Kemendagri region-code arithmetic, in one place.

Codes are materialized paths: province "15", regency "15.71", district "15.71.01", village
"15.71.01.1001". A region lies under another when its code starts with the other's code and a
dot, so "everything in a regency" is a prefix filter with no join.
"""

import re

from django.db.models import Q

PROVINCE, REGENCY, DISTRICT, VILLAGE = "province", "regency", "district", "village"
CODE_PATTERNS = {
    PROVINCE: re.compile(r"^\d{2}$"),
    REGENCY: re.compile(r"^\d{2}\.\d{2}$"),
    DISTRICT: re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    VILLAGE: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
LEVELS = list(CODE_PATTERNS)  # from the top down
CODE_LENGTH = {PROVINCE: 2, REGENCY: 5, DISTRICT: 8, VILLAGE: 13}


def level_of(code: str) -> str | None:
    """The level a well-formed code names ("15.71" → "regency"), None for anything else."""
    for level, pattern in CODE_PATTERNS.items():
        if pattern.match(code or ""):
            return level
    return None


def is_province(code: str | None) -> bool:
    return level_of(code or "") == PROVINCE


def is_regency(code: str | None) -> bool:
    return level_of(code or "") == REGENCY


def ancestor_at(code: str, level: str) -> str:
    """The code of the region at `level` that holds `code` ("15.71.01.1001", regency → "15.71");
    "" when `code` is above that level."""
    length = CODE_LENGTH[level]
    return code[:length] if len(code or "") >= length else ""


def province_of(code: str) -> str:
    return ancestor_at(code, PROVINCE)


def regency_of(code: str) -> str:
    return ancestor_at(code, REGENCY)


def district_of(code: str) -> str:
    return ancestor_at(code, DISTRICT)


def parent_of(code: str) -> str:
    """The code one level up, "" for a province."""
    return code.rpartition(".")[0]


def ancestors_of(code: str, *, including_self: bool = False) -> list[str]:
    """From the province down: "15.71.01" → ["15", "15.71"] (and "15.71.01" itself if asked)."""
    parts = code.split(".")
    stop = len(parts) + 1 if including_self else len(parts)
    return [".".join(parts[:i]) for i in range(1, stop)]


def lies_in(code: str, area: str) -> bool:
    """True if `code` is `area` or lies beneath it; "" is the whole country."""
    return area == "" or code == area or code.startswith(area + ".")


def within_q(field: str, area: str) -> Q:
    """Rows whose code at `field` is `area` or beneath it (an index-friendly LIKE 'area.%')."""
    if area == "":
        return Q()
    return Q(**{field: area}) | Q(**{f"{field}__startswith": f"{area}."})


def beneath_q(field: str, area: str) -> Q:
    """Rows whose code at `field` lies strictly beneath `area`."""
    return Q(**{f"{field}__startswith": f"{area}."})
