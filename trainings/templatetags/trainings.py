from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ counts|get:key }}: a dictionary value in a template."""
    return mapping.get(key) if mapping else None


@register.filter
def percent(pair):
    """(part, whole) -> whole percent, or None when there is no whole."""
    part, whole = pair
    return None if not whole else round(100 * part / whole)
