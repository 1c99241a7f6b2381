"""How the impact figures read on the page: formatted values, a township's other figures, township page links."""

from urllib.parse import unquote

from django.core.cache import cache
from django.db.models import Max
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from core.money import format_twd
from impact.measures import ACTIVITY_MEASURES, MEASURES, PUBLIC_MIN_COMPANIES
from places.maps import format_number

MONEY = ("committed_twd", "raised_twd", "corporate_twd")


def format_value(measure, value):
    if value is None:
        if measure == "committed_twd":  # fewer companies than a public figure needs (impact.measures.public_view)
            return _("Not shown (fewer than %(count)s companies)") % {"count": PUBLIC_MIN_COMPANIES}
        return _("No data")
    if measure in MONEY:
        return format_twd(value)
    if measure == "volunteer_hours":
        return _("%(hours)s h") % {"hours": format_number(value, 1)}
    if measure == "share_aged_65_plus":
        return _("%(share)s%%") % {"share": format_number(value, 1)}
    return format_number(value)


def township_details(data, exclude=None):
    """town code → "Backers: 3 · Projects: 1 …": the township's activity figures besides the map's measure."""
    shown = [measure for measure in ACTIVITY_MEASURES if measure != exclude]
    labels = {measure: str(MEASURES[measure]) for measure in shown}
    between = pgettext("after a label, before its text", ": ")  # a full-width colon in Chinese and Japanese
    return {
        area.code: " · ".join(
            f"{labels[measure]}{between}{format_value(measure, area.figures.value(measure))}" for measure in shown
        )
        for area in data.townships
    }


LINKS_CACHE_SECONDS = 600


def cached_township_page_links(request):
    """township_page_links, kept until a page is added or changes in Wagtail (every publication, move, rename,
    deletion or view restriction writes a page log entry), for LINKS_CACHE_SECONDS at most: two index look-ups
    instead of four queries and a page URL."""
    from wagtail.models import Page, PageLogEntry

    last_change = PageLogEntry.objects.aggregate(last=Max("id"))["last"]
    last_page = Page.objects.aggregate(last=Max("id"))["last"]
    key = f"impact:township-links:{last_change}:{last_page}:{get_language()}:{request.scheme}:{request.get_host()}"
    links = cache.get(key)
    if links is None:
        links = township_page_links(request)
        cache.set(key, links, LINKS_CACHE_SECONDS)
    return links


def township_page_links(request):
    """town code → URL of its township page in the active language; townships without one are absent.

    Wagtail's get_url() costs about a millisecond a page (site roots, locale prefix) and a page object each;
    all township pages of a language hang under one home page, so the first page's URL gives the prefix that
    replaces the home page's part of every url_path. Three queries (the rows, Wagtail's view restrictions,
    the first page) and one get_url().
    """
    from wagtail.models import Locale, Page

    from cms.models import TownshipPage

    rows = list(
        TownshipPage.objects.live()
        .public()
        .filter(locale=Locale.get_active())
        .order_by("path")
        .values_list("township__code", "url_path", "pk")
    )
    if not rows:
        return {}
    first_path, first_pk = rows[0][1], rows[0][2]
    first_url = Page.objects.get(pk=first_pk).get_url(request)
    if not first_url:
        return {}
    first_url = unquote(first_url)  # Wagtail percent-encodes non-ASCII slugs; url_path holds them as text
    # The longest tail of url_path (past the home page's part) that the served URL ends with.
    segments = first_path.split("/")
    for start in range(len(segments)):
        tail = "/".join(segments[start:])
        if first_url.endswith("/" + tail) or tail == "":
            break
    root = first_path[: len(first_path) - len(tail)]
    prefix = first_url[: len(first_url) - len(tail)]
    return {
        code: iri_to_uri(prefix + url_path[len(root) :]) for code, url_path, _pk in rows if url_path.startswith(root)
    }
