"""Cards the trainings app lends to pages of other apps (the cooperative page composes them)."""

from django import template

from trainings.selectors import board_trainings_for_cooperative

register = template.Library()


@register.inclusion_tag("trainings/cooperative_board_trainings.html")
def cooperative_board_trainings(cooperative):
    """The trainings the cooperative's board members were enrolled in."""
    return {"board_trainings": board_trainings_for_cooperative(cooperative)}
