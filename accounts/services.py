"""Login lockouts (django-axes) as the user pages show and lift them: a province administrator
unlocks the logins it manages, without the Django admin (where the attempts of every region,
with their addresses, would be open to it)."""

from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.utils import timezone

from .models import User


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these usernames are locked out now (from any address): as many failures as
    the limit, the last one within the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


def unlock(user: User) -> int:
    """Lift the user's lockouts from every address; returns how many attempt records went.
    Who may do it is the caller's scoping (User.objects.manageable_by)."""
    return reset(username=user.username)
