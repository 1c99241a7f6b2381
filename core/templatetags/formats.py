"""How every page writes money, counts and page links: `{% load formats %}`.

- `{{ amount|twd }}` → NT$1,234 (core.money.format_twd; nothing → "—"); never type `NT${{ … }}` by hand.
- `{{ count|thousands }}` → 1,234 (nothing → "—").
- `{% query_with page=2 %}` → the current query string with `page` replaced (pagination, filters).
- `{{ items|as_list }}` → 1月、2月 / Jan, Feb: a list with the page language's separator (「、」 in zh-Hant and ja).
- `{% include "core/includes/pagination.html" with page=page_obj %}` is the one pagination block.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html_join

from core.languages import list_separator
from core.money import format_count, format_twd

register = template.Library()


@register.filter
def twd(value):
    if value is None or value == "":
        return "—"
    try:
        return format_twd(value)
    except (TypeError, ValueError):
        return value


@register.filter(is_safe=True)
def as_list(values):
    """The items joined by the language's list separator; each item escaped unless already safe."""
    return format_html_join(list_separator(), "{}", ((value,) for value in values))


@register.filter
def thousands(value):
    return format_count(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def original_lang():
    """The HTML lang of text the teams write in the site's default language and nobody translates (device and batch
    names, products): English and Japanese pages mark it so, for screen readers and fonts."""
    from core.languages import html_lang

    return html_lang(settings.LANGUAGE_CODE)
