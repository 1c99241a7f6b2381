"""Small locating maps for templates (places/locator.py draws them)."""

from django import template
from django.templatetags.static import static

from places import locator

register = template.Library()


@register.simple_tag
def township_locator(township):
    """A LocatorMap of `township` (a places.Township or a town code) within its county, or None."""
    code = getattr(township, "code", township)
    return locator.township_locator(str(code)) if code else None


@register.simple_tag
def taiwan_points(codes):
    """A PointsMap of Taiwan with a dot on each township code given; its outline is a static, cached file."""
    points_map = locator.taiwan_with_points(codes)
    points_map.outline_url = static(locator.OUTLINE_STATIC_PATH)
    return points_map
