"""The list pages' filter forms (templates/filter_form.html)."""

from django import template
from django.forms import Form

register = template.Library()


@register.simple_tag
def active_filter_count(form: Form) -> int:
    """How many of the form's filters the request sets, hidden ones too (a dashboard link's
    region): the phone's folded filter button says so, so that a filtered list is never mistaken
    for the whole one."""
    data = form.data
    count = 0
    for field in form:
        values = data.getlist(field.html_name) if hasattr(data, "getlist") else [data.get(field.html_name)]
        count += any(value is not None and str(value).strip() for value in values)
    return count
