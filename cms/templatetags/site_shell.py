"""Template tags for the site shell (site/templates/base.html)."""

import functools
import html
from urllib.parse import unquote, urlencode

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per interface language, each pointing at this page in that language.

    On a Wagtail page the link goes to the page's translation (slugs differ between languages);
    where there is none, to the home page of that language.
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    page = context.get("page")
    translations = {}
    if isinstance(page, Page):
        from cms.public import live_translations

        for translation in live_translations(page):
            translations[translation.locale.language_code] = translation.get_url(request)
    links = []
    for code, name in settings.LANGUAGES:
        url = (translations.get(code) or f"/{code}/") if isinstance(page, Page) else translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "active": code == current})
    return links


@register.simple_tag(takes_context=True)
def view_alternates(context):
    """What a search engine reads on a page that is not a CMS page (the impact page, discover, the township map, the
    experiences): its canonical address and the same view in each language (hreflang, and x-default to the default
    language), absolute on the site's public address (SITE_BASE_URL, never the host a request happened to name).
    The query string is left out: a filtered or paged list is the same page to an index. CMS pages say their own
    (cms/page.html: a page's translation has its own slug)."""
    request = context.get("request")
    if request is None or isinstance(context.get("page"), Page):
        return None
    base = settings.SITE_BASE_URL
    links = [{"hreflang": code, "url": base + translate_url(request.path, code)} for code, _name in settings.LANGUAGES]
    default = next(link for link in links if link["hreflang"] == settings.LANGUAGE_CODE)
    links.append({"hreflang": "x-default", "url": default["url"]})
    return {"canonical": base + request.path, "alternates": links}


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The text of the shell's block `name` (`title`, `description`) as the page renders it, for a second use: a
    view's link-preview title and summary (og:title, og:description) are the same words as its <title> and its meta
    description, in the page's language, with no view saying them twice. Plain text (tags dropped, entities read):
    the template escapes it once more where it goes."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    if blocks is None or not blocks.blocks.get(name):
        return ""
    # The shell's own block node (the first added): rendering it renders the most-derived override, as in the page.
    rendered = blocks.blocks[name][0].render(context)
    return " ".join(html.unescape(strip_tags(rendered)).split())


DEFAULT_SHARE_IMAGE = "brand/share-default.png"  # 1200x630, drawn by scripts/build_app_icons.py from the logo


def absolute_static(path):
    """A static file's address as another site must fetch it: absolute on SITE_BASE_URL (a link preview is fetched
    by a crawler, never by this request's browser), unless the files are served from their own absolute host."""
    url = static(path)
    return url if url.startswith(("https://", "http://")) else settings.SITE_BASE_URL + url


@register.simple_tag(takes_context=True)
def share_image(context):
    """The picture a link preview shows (og:image, twitter:image): the view's own (`share_image` in the context, an
    absolute URL, with `share_image_alt`) or else the site's default card, absolute, at its real size."""
    own = context.get("share_image")
    if own:
        return {"url": own, "alt": context.get("share_image_alt", ""), "width": None, "height": None}
    return {"url": absolute_static(DEFAULT_SHARE_IMAGE), "alt": "Homeward", "width": 1200, "height": 630}


ICON_SPRITE = "icons/icons.svg"


@functools.cache
def _sprite_url_for(static_url, storage_backend):
    """The sprite's (hashed) address, looked up once per process: a page draws about a hundred icons, and each
    lookup in the static files manifest costs as much as a small query."""
    return static(ICON_SPRITE)


def _sprite_url():
    return _sprite_url_for(settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"])


@register.simple_tag
def icon(name, size=20, css_class=""):
    """A Lucide icon from the sprite (site/static/icons/icons.svg), hidden from assistive technology: the text
    beside it says what it means. Names are those listed in scripts/build_icons.py."""
    return _icon_html(str(name), str(size), str(css_class), _sprite_url())


@functools.lru_cache(maxsize=1024)
def _icon_html(name, size, css_class, sprite_url):
    # Made once per process for each icon: a card draws three or four, a page about a hundred.
    return format_html(
        '<svg class="icon{}" width="{}" height="{}" aria-hidden="true" focusable="false">'
        '<use href="{}#{}"></use></svg>',
        f" {css_class}" if css_class else "",
        size,
        size,
        sprite_url,
        name,
    )


@register.simple_tag(takes_context=True)
def current_marker(context, url):
    """` aria-current="page"` on the link to this very page, ` aria-current="true"` on the link to the section it
    is in (a path below the link's); nothing otherwise. The home page is a section of nothing."""
    request = context.get("request")
    if request is None or not url:
        return ""
    path, url = request.path, unquote(url)  # page URLs come percent-encoded; request.path is decoded
    if path == url:
        return mark_safe(' aria-current="page"')  # noqa: S308 (a constant)
    home = f"/{get_language()}/"
    if url != home and path.startswith(url):
        return mark_safe(' aria-current="true"')  # noqa: S308 (a constant)
    return ""


@register.simple_tag(takes_context=True)
def sign_in_url(context):
    """The sign-in page, leading back to this page: someone who signs in while reading a Japanese project page
    returns to it, in Japanese (without `next`, allauth leads to the home page in the person's preferred language).
    Only the path: a page kept for every anonymous visitor must not carry one visitor's query string. The account
    pages themselves lead home, as before."""
    url = reverse("account_login")
    request = context.get("request")
    if request is None or "/accounts/" in request.path:
        return url
    return f"{url}?{urlencode({'next': request.path})}"
