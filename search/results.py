"""Pieces both engines share when they answer: the centroid to sort by, hits with highlights, facet ordering."""

from django.utils.translation import gettext as _

from search.analysis import highlight, query_clauses, query_words
from search.query import InvalidSearch

SUMMARY_LENGTH = 160


def centroid(township_code):
    from places.models import Township

    point = Township.objects.filter(code=township_code).values_list("latitude", "longitude").first()
    if point is None:
        raise InvalidSearch(_("Unknown township: %(code)s.") % {"code": township_code})
    return point


def make_hit(display, query, distance_km=None):
    """A result row: the stored display fields plus escaped, highlighted title and summary."""
    summary = display.get("summary") or display.get("body") or ""
    hit = {
        "uid": f"{display['family']}:{display['object_id']}",
        "family": display["family"],
        "object_id": display["object_id"],
        "title_html": highlight(display.get("title", ""), query.q),
        "title_en_html": highlight(display.get("title_en", ""), query.q),
        "summary_html": highlight(summary, query.q, max_length=SUMMARY_LENGTH),
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


def suggested_query(query_text, replacements):
    """The query with misspelt words replaced ({word: better}); empty when nothing changes."""
    if not replacements:
        return ""
    clauses = query_clauses(query_text)
    changed = []
    for clause in clauses:
        for word, better in replacements.items():
            clause = clause.replace(word, better)
        changed.append(clause)
    suggestion = " ".join(changed)
    return suggestion if suggestion != " ".join(clauses) else ""


def missing_words(query_text):
    return query_words(query_text)
