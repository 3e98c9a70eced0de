"""Reads for pages: scoped querysets and small aggregates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Cooperative, Region

if TYPE_CHECKING:  # annotations only: accounts sits above the domain apps
    from accounts.models import User


REGENCY_CODE_LENGTH = len("15.71")


def cooperatives_for(user: User) -> QuerySet[Cooperative]:
    return Cooperative.objects.for_user(user).with_regions()


def provinces_for(user: User) -> QuerySet[Region]:
    return Region.objects.for_user(user).filter(level=Region.Level.PROVINCE)


def regencies_for(user: User, province_code: str | None = None) -> QuerySet[Region]:
    regencies = Region.objects.for_user(user).filter(level=Region.Level.REGENCY)
    if province_code:
        regencies = regencies.filter(parent_id=province_code)
    return regencies


def districts_for(user: User, regency_code: str | None = None) -> QuerySet[Region]:
    districts = Region.objects.for_user(user).filter(level=Region.Level.DISTRICT)
    if regency_code:
        districts = districts.filter(parent_id=regency_code)
    return districts


def free_villages_for(user: User) -> QuerySet[Region]:
    """Villages in scope with no cooperative yet: none seated there, none serving it jointly."""
    return Region.objects.for_user(user).filter(
        level=Region.Level.VILLAGE, cooperative__isnull=True, shared_cooperatives__isnull=True
    )


def breadcrumb_regions(region: Region) -> list[Region]:
    """The region and its ancestors, province first (one query)."""
    codes = region.ancestor_codes() + [region.code]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
