"""The menu asks each page's own door: an item is shown only if its view would let the user in
(`has_permission`, the same method that answers 403), so a menu never offers a page that refuses
the role. The current page is marked (aria-current)."""

from django import template
from django.urls import resolve, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def may_open(request, url: str) -> bool:
    match = resolve(url)
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "has_permission"):
        return True
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    return view.has_permission()


@register.simple_tag(takes_context=True)
def nav_item(context, url_name: str, label: str):
    request = context["request"]
    url = reverse(url_name)
    if not may_open(request, url):
        return ""
    current = request.path == url or (url != "/" and request.path.startswith(url))
    return format_html(
        '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>',
        " active" if current else "",
        url,
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


@register.simple_tag(takes_context=True)
def nav_group(context, group_id: str, label: str, *items: str):
    """A dropdown of menu items ("url name", "label", "url name", "label", ...): only the items the
    user may open; none, no dropdown. Keeps a long menu (the province admin's) within 1366 px."""
    request = context["request"]
    shown = []
    for url_name, item_label in zip(items[::2], items[1::2], strict=True):
        url = reverse(url_name)
        if may_open(request, url):
            shown.append((url, item_label, request.path.startswith(url) and url != "/"))
    if not shown:
        return ""
    links = format_html_join(
        "",
        '<li><a class="dropdown-item{}" href="{}"{}>{}</a></li>',
        (
            (" active" if current else "", url, mark_safe(' aria-current="page"') if current else "", text)
            for url, text, current in shown
        ),
    )
    return format_html(
        '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle{}" href="#" id="{}" role="button" '
        'data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
        '<ul class="dropdown-menu" aria-labelledby="{}">{}</ul></li>',
        " active" if any(current for _u, _t, current in shown) else "",
        group_id,
        label,
        group_id,
        links,
    )
