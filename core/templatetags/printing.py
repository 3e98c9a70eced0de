"""The dated header every printed recap carries: what it is, for which region, as of when, and
who printed it at what time. Shown only on paper (and in "Save as PDF"), hidden on screen."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def print_header(context, title, region=None, as_of=None):
    """`region` is the page's region (a Region or None: the user's scope, or the whole country);
    `as_of` the date its figures hold for (default today)."""
    request = context["request"]
    user = request.user
    if region is None and getattr(user, "scope_region_id", None):
        region = user.scope_region
    now = timezone.localtime()
    return render_to_string(
        "print_header.html",
        {
            "title": title,
            "region_name": getattr(region, "name", None) or _("Indonesia"),
            "as_of": as_of or now.date(),
            "printed_at": now,
            "printed_by": user.get_full_name() or user.get_username(),
        },
    )
