"""How the impact figures read on the page: formatted values, a township's other figures, township page links."""

from django.utils.translation import gettext as _

from impact.measures import ACTIVITY_MEASURES, MEASURES
from marketplace.payments.money import format_twd
from places.maps import format_number

MONEY = ("committed_twd", "raised_twd")


def format_value(measure, value):
    if value is None:
        return _("No data")
    if measure in MONEY:
        return format_twd(value)
    if measure == "share_aged_65_plus":
        return _("%(share)s%%") % {"share": format_number(value, 1)}
    return format_number(value)


def township_details(data, exclude=None):
    """town code → "Backers: 3 · Projects: 1 …": the township's activity figures besides the map's measure."""
    shown = [measure for measure in ACTIVITY_MEASURES if measure != exclude]
    labels = {measure: str(MEASURES[measure]) for measure in shown}
    return {
        area.code: " · ".join(
            f"{labels[measure]}: {format_value(measure, area.figures.value(measure))}" for measure in shown
        )
        for area in data.townships
    }


def township_page_links(request):
    """town code → URL of its township page in the active language; townships without one are absent.

    Wagtail's get_url() costs about a millisecond a page (site roots, locale prefix); all township pages of a
    language hang under one home page, so the first page's URL gives the prefix that replaces the home page's
    part of every url_path. Two queries (the pages, Wagtail's view restrictions) and one get_url().
    """
    from wagtail.models import Locale

    from cms.models import TownshipPage

    pages = list(
        TownshipPage.objects.live()
        .public()
        .filter(locale=Locale.get_active())
        .select_related("township")
        .only("id", "url_path", "path", "depth", "locale_id", "township__code")
        .order_by("path")
    )
    if not pages:
        return {}
    first = pages[0]
    first_url = first.get_url(request)
    if not first_url:
        return {}
    # The longest tail of url_path (past the home page's part) that the served URL ends with.
    segments = first.url_path.split("/")
    for start in range(len(segments)):
        tail = "/".join(segments[start:])
        if first_url.endswith("/" + tail) or tail == "":
            break
    root = first.url_path[: len(first.url_path) - len(tail)]
    prefix = first_url[: len(first_url) - len(tail)]
    return {page.township.code: prefix + page.url_path[len(root) :] for page in pages if page.url_path.startswith(root)}
