"""Pieces both engines share when they answer: the centroid to sort by, hits with highlights, facet ordering."""

from django.utils.translation import gettext as _

from search.analysis import highlight_terms
from search.query import InvalidSearch

SUMMARY_LENGTH = 160


def centroid(township_code):
    from places.models import Township

    point = Township.objects.filter(code=township_code).values_list("latitude", "longitude").first()
    if point is None:
        raise InvalidSearch(_("Unknown township: %(code)s.") % {"code": township_code})
    return point


def make_hit(display, query, plan, matched=(), distance_km=None):
    """A result row: the stored display fields, escaped and highlighted title and summary, and the expansions
    through which it matched (`matched`: [(concept index, alternative index)]; the typed words are not listed)."""
    terms = plan.highlight_terms
    summary = display.get("summary") or display.get("body") or ""
    via = []
    for i, j in matched:
        if j > 0:
            expansion = plan.expansion(i, j)
            if expansion not in via:
                via.append(expansion)
    hit = {
        "uid": f"{display['family']}:{display['object_id']}",
        "family": display["family"],
        "object_id": display["object_id"],
        "title_html": highlight_terms(display.get("title", ""), terms),
        "title_en_html": highlight_terms(display.get("title_en", ""), terms),
        "summary_html": highlight_terms(summary, terms, max_length=SUMMARY_LENGTH),
        "matched_via": via,
        "display": display,
    }
    if distance_km is not None:
        hit["distance_km"] = round(distance_km, 1)
    return hit


def ordered_facets(counts):
    """{facet: {value: count}} -> {facet: [(value, count)]}: largest count first, then value."""
    return {
        name: sorted(((value, n) for value, n in values.items() if n), key=lambda item: (-item[1], item[0]))
        for name, values in counts.items()
    }
