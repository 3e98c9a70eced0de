"""Cards the assistants app lends to pages of other apps (the cooperative page composes them)."""

from django import template

from assistants.selectors import history_of_cooperative

register = template.Library()


@register.inclusion_tag("assistants/cooperative_ba_card.html", takes_context=True)
def cooperative_ba_card(context, cooperative):
    """The cooperative's current BA and its BA history."""
    history = list(history_of_cooperative(cooperative))
    return {
        "object": cooperative,
        "perms": context.get("perms"),
        "caseload_only": context.get("caseload_only"),
        "history": history,
        "current_assignment": next((a for a in history if a.is_active), None),
    }
