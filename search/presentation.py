"""Labels and links for the search page: facet value names (in the page's language, never the indexed codes),
pagination links, the results map, the advice of an empty page."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.languages import inline_list
from search.documents import FACETS, families


def _catalogue(facet):
    """(rows, key field, label of a row) of a catalogue facet."""
    from cms.models import Ministry, Sector, SustainableDevelopmentGoal
    from places.models import County, Township

    return {
        "county": (County.objects.all(), "code", lambda county: county.name),
        "township": (Township.objects.with_county(), "code", lambda township: township.full_name),
        "sector": (Sector.objects.all(), "slug", lambda sector: sector.name),
        "sdg": (SustainableDevelopmentGoal.objects.all(), "number", lambda goal: f"{goal.number} {goal.name}"),
        "ministry": (Ministry.objects.all(), "slug", lambda ministry: ministry.name),
    }[facet]


CATALOGUE_FACETS = ("county", "township", "sector", "sdg", "ministry")


def _catalogue_labels(facet, values):
    """{value: label} of a county, township, sector, goal or ministry facet in the active language. The search page
    names these values on every request, and the catalogues change with the site (cms moves the site's generation
    when a sector, goal or ministry is saved; counties and townships are reference data): the whole catalogue is
    read once per language and site generation (cms.page_cache.site_wide_value), or only the values shown when the
    page cache is off."""
    from cms import page_cache

    rows, key, label = _catalogue(facet)

    def read(rows=rows):
        return {str(getattr(row, key)): label(row) for row in rows}

    if not page_cache.enabled():
        if key == "number":
            values = [int(value) for value in values if str(value).isdigit()]
        return read(rows.filter(**{f"{key}__in": values}))
    return page_cache.site_wide_value(f"search:facet-labels:{facet}", read)


def _labels(facet, values):
    if facet in CATALOGUE_FACETS:
        labels = _catalogue_labels(facet, [str(value) for value in values])
        return {value: labels[str(value)] for value in values if str(value) in labels}
    if facet == "priority_area":
        return {"true": _("Priority area"), "false": _("Other townships")}
    if facet == "traceability":
        from traceability.badges import BADGE_LABELS

        return {code: str(label) for code, label in BADGE_LABELS.items()}
    if facet == "family":
        return {name: str(family.label) for name, family in families().items()}
    if facet == "funding_type":
        from search.content import FUNDING_LABELS

        return {value: str(FUNDING_LABELS[value]) for value in values if value in FUNDING_LABELS}
    if facet in ("category", "field", "date", "price", "language"):
        from search.people_families import people_facet_labels

        return people_facet_labels(facet, values)
    if facet == "status":
        from marketplace.models import ProjectListing

        # A project's status is its listing's stage; an enterprise's is "verified" (search/families.py).
        labels = {value: capfirst(str(label)) for value, label in ProjectListing.Stage.choices}
        labels["verified"] = _("Verified")
        labels.update(_policy_labels("status", values))
        return labels
    return _policy_labels(facet, values)


def _policy_labels(facet, values):
    """Labels of the programmes' and regulatory issues' facets (search/families_policy.py)."""
    if facet == "programme_kind":
        from cms.models import SupportProgramme

        return {value: str(label) for value, label in SupportProgramme.Kind.choices}
    if facet == "status":
        from policy.models import RegulatoryIssue

        return {value: str(label) for value, label in RegulatoryIssue.Outcome.choices}
    return {}


def expansion_text(expansion):
    """How a result page names an expansion that matched: 竹 (CC-CEDICT translation of “bamboo”)."""
    kinds = {
        "synonym": _("synonym of “%(from)s”"),
        "narrower": _("a kind of “%(from)s”"),
        "dictionary": _("CC-CEDICT translation of “%(from)s”"),
        "spelling": _("spelling of “%(from)s”"),
        "variant": _("kanji form of “%(from)s”"),
        "katakana": _("katakana form of “%(from)s”"),
        "traditional": _("Traditional Chinese form of “%(from)s”"),
        "inflection": _("form of “%(from)s”"),
        "romanization": _("“%(from)s” as a place name"),
    }
    template = kinds.get(expansion["kind"])
    word = _word_in_its_language(expansion["to"])
    if template is None:
        return word
    # The sentences are our catalogs' (escaped here); the words, typed or found, are escaped in their spans.
    how = conditional_escape(template) % {"from": _word_in_its_language(expansion["from"])}
    return mark_safe(conditional_escape(_("%(word)s (%(how)s)")) % {"word": word, "how": how})  # noqa: S308


KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u3400-\u9fff]")


def _word_in_its_language(word):
    """A query word in a span marked with its language (kana: Japanese; Han alone: the site's Chinese; Latin:
    English), so that a Chinese synonym on an English page is read as Chinese."""
    from django.conf import settings

    from core.languages import html_lang

    if KANA.search(word):
        lang = "ja"
    elif HAN.search(word):
        lang = html_lang(settings.LANGUAGE_CODE)
    else:
        lang = "en"
    return format_html('<span lang="{}">{}</span>', lang, word)


def empty_result_tips(result, query, concepts):
    """For a search without hits: the advice that fits it, each a sentence. The spelling only for words no public
    document holds (named, so one sees which), fewer words only when some of them find documents on their own and
    no suggestion already offers fewer, the filters only when some are set. A single advice fitting every search
    ("Try fewer words, another spelling, or remove a filter.") told a one-word search to remove filters it did not
    have."""
    tips = []
    unknown = list(getattr(result, "unknown_words", None) or [])
    if unknown:
        quoted = inline_list(_("“%(word)s”") % {"word": word} for word in unknown)
        tips.append(
            ngettext(
                "No result contains the word %(words)s: check its spelling or try another word.",
                "No result contains the words %(words)s: check their spelling or try other words.",
                len(unknown),
            )
            % {"words": quoted}
        )
    held = len(concepts) - len([c for c in concepts if c.typed in unknown])
    if len(concepts) > 1 and held >= 1 and not result.suggestion:
        tips.append(_("No result contains all these words together: try fewer of them."))
    if query.filters:
        tips.append(_("Try removing a filter."))
    return tips


def related_links(result):
    """For a query without hits: [{label, url}] of the related townships and the sector (search/suggest.py)."""
    related = getattr(result, "related", None) or {}
    links = {"townships": [], "sector": None}
    codes = related.get("townships") or []
    if codes:
        labels = _labels("township", codes)
        links["townships"] = [{"label": labels.get(code, code), "url": f"?township={code}"} for code in codes]
    sector = related.get("sector")
    if sector:
        links["sector"] = {"label": _labels("sector", [sector]).get(sector, sector), "url": f"?sector={sector}"}
    return links


def facet_groups(result, query):
    """[{name, label, values: [{value, label, count, selected}]}] for the facets that have values or a filter. A
    chosen value stays listed (checked) when no result holds it, so a filter that leaves nothing can be seen and
    taken off: without its box it was neither shown nor sent again with the form."""
    groups = []
    for name, label in FACETS.items():
        values = result.facets.get(name, [])
        shown = values[:30] if name == "township" else values
        chosen = query.filters.get(name, [])
        listed = {str(value) for value, _count in shown}
        shown = [*shown, *((value, 0) for value in chosen if value not in listed)]
        if not shown:
            continue
        labels = _labels(name, [value for value, _count in shown])
        selected = set(chosen)
        groups.append(
            {
                "name": "kind" if name == "family" else name,
                "label": label,
                "values": [
                    {"value": v, "label": labels.get(v, v), "count": n, "selected": str(v) in selected}
                    for v, n in shown
                ],
            }
        )
    return groups


def page_links(request, result):
    """[{number, url, current}] for every page (capped to a window of 9 around the current page)."""
    current = result.query.page
    first = max(1, current - 4)
    last = min(result.pages, first + 8)
    links = []
    for number in range(first, last + 1):
        links.append({"number": number, "url": page_url(request, number), "current": number == current})
    return links


def page_url(request, number):
    """The query string of this search's page `number`."""
    params = request.GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


def result_map(request, result):
    """A places.maps choropleth of the townships coloured by the township facet's counts of this search; each
    township links to its public page (地方DNA, in the reader's language when translated), or to the search list
    narrowed to it when it has no page yet."""
    from django.urls import reverse

    from places.maps import choropleth

    counts = dict(result.facets.get("township", []))
    list_url = reverse("search:page")
    pages = _township_pages()

    def township_link(township):
        if township.pk in pages:
            return pages[township.pk]
        params = request.GET.copy()
        params.setlist("township", [township.code])
        params.pop("page", None)
        return f"{list_url}?{params.urlencode()}"

    return choropleth(
        counts,
        measure_label=_("Matching results"),
        value_format=lambda value: f"{int(value):,}",
        links=township_link,
        map_id="search-map",
    )


def _township_pages():
    """{township id: url} of the live public township pages, in the active language where a translation exists,
    else in the default language."""
    from django.utils.translation import get_language

    from cms.actions import default_locale
    from cms.public import public_townships

    urls = {}
    language = (get_language() or "").lower()
    default = default_locale().pk
    for page in public_townships():
        preferred = page.locale.language_code.lower() == language
        if preferred or (page.locale_id == default and page.township_id not in urls):
            urls[page.township_id] = page.url
    return urls


def result_extras(hits):
    """{hit uid: {"image": picture or None, "card": ProjectCard or None}} for a page of results: marketplace's
    pictures and card facts (projects, stories, townships) and the photos of experiences, for the result cards'
    picture slot. A fixed number of queries, whatever the page holds."""
    from experiences.queries import card_photos
    from marketplace.presentation import search_result_extras

    extras = search_result_extras(hits)
    ids = [int(hit["object_id"]) for hit in hits if hit["family"] == "experiences" and str(hit["object_id"]).isdigit()]
    if ids:
        for pk, image in card_photos(ids).items():
            extras[f"experiences:{pk}"] = {"image": image, "card": None}
    return extras
