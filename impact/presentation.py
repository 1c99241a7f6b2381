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
    """town code → URL of its township page in the active language (one query); townships without one are absent."""
    from wagtail.models import Locale

    from cms.models import TownshipPage

    pages = (
        TownshipPage.objects.live()
        .public()
        .filter(locale=Locale.get_active())
        .select_related("township")
        .only("id", "url_path", "path", "depth", "locale_id", "township__code")
    )
    return {page.township.code: page.get_url(request) for page in pages}
