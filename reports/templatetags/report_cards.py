"""Cards the reports app lends to other pages (the heads' dashboard composes the field-work card)."""

from django import template

from reports.selectors import field_work_cached

register = template.Library()


@register.inclusion_tag("reports/field_work_card.html", takes_context=True)
def field_work_card(context, region, rows):
    """Report completeness, on-time rate and open problems for the dashboard's region and the
    regions of its rows (the dashboard's own child regions)."""
    children = [row.region for row in rows if row.region is not None]
    work = field_work_cached(context["request"].user, region, children)
    return {"work": work, "here": region.code if region else "", "perms": context.get("perms")}
