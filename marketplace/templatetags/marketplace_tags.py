from django import template

from marketplace.queries import enterprises_in_township

register = template.Library()

TOWNSHIP_ENTERPRISES_SHOWN = 12


@register.simple_tag
def township_enterprises(township):
    """The enterprises of a township, verified first, for its page (cms's township template calls this)."""
    return list(enterprises_in_township(township)[:TOWNSHIP_ENTERPRISES_SHOWN])
