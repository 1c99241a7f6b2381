"""Search views: a JSON API and the public search page. Thin: parsing in search/query.py, engines in search/engines.py.

GET /api/search/?q=&county=&township=&sector=&funding_type=&sdg=&priority_area=&status=&traceability=&kind=&sort=&near=
    &page=&per_page=
    q             the query (Traditional Chinese, English or both; 台/臺 alike), at most 200 characters
    county, ...   facet filters: repeat the parameter or separate values with commas; values of one facet are
                  ORed, facets are ANDed. priority_area is true or false. kind is a family (e.g. townships).
    sort          relevance (default), newest, most_backed, closest_to_goal, nearest (needs near=<town code>)
    page, per_page  1-based page, 1..50 per page (20 by default)
    Answers 400 {"error": reason} for an unknown parameter, sort, kind or township, or a bad number.
    The answer's "incomplete" is true when Elasticsearch failed and the database engine answered.
    kind          projects, stories, enterprises, townships (several allowed)
    funding_type  investment (from the marketplace listing); subscription and donation from payments
                  (payments.funding.search_funding_facts, registered by search's AppConfig.ready())
    traceability  traceable (a public batch with records), live_data (a device reporting public measures in the
                  last 24 hours): traceability.badges.search_trace_facts
    Answer: {"total", "page", "pages", "per_page", "engine", "incomplete", "suggestion", "corrected_q",
    "expansions", "related", "hits": [{"uid", "family", "object_id", "title_html", "summary_html" (matches in
    <mark>, escaped), "matched_via": [{"from", "to", "kind"}], "display": {title, url, county_name, township_name,
    published_at, backed_amount, backers, progress, ...}, "distance_km"?}], "facets": {facet: [{"value",
    "count"}]}}. "corrected_q" is the query searched instead when misspelt words were corrected (else "");
    "matched_via" lists the expansions a hit matched through (kind: synonym, narrower, dictionary (CC-CEDICT),
    spelling, variant (Japanese kanji)), "expansions" those of the whole page; for a query without hits,
    "suggestion" is a looser query whose every word documents hold (offered only when every word it drops is in no
    public document), "unknown_words" the query's words no public document holds, and "related" {"townships":
    [town codes], "sector": slug} the townships the query names and those and the sector most documents matching
    any one of its words belong to.
GET /api/search/autocomplete/?q=<prefix>&lang=<zh-hant|en|ja>   (lang: the asking page's language, else the request's)
    up to 8 {"uid", "family", "family_label", "title", "title_en", "title_ja",
    "url", "lang"} (projects, enterprises and townships; title and url are the public page in the reader's language:
    project page (its translation or the alias of the original), enterprise profile, township page; `lang` is the
    title's language; a township without a published page links to the search narrowed to it)
    Hits of both endpoints are in the reader's language too (search/localize.py): display.url, display.title,
    title_html, summary_html of the page in the active locale, display.lang the language of that text.
GET /<lang>/search/map/?<the same parameters>   the search page's results as a choropleth of the townships,
    coloured by the township facet's counts of the same query
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cms.page_cache import SEARCH_RESULTS, anonymous_view, site_wide_value
from core.json_api import json_endpoint
from search import engines
from search.documents import FACETS, families
from search.localize import localize_hits, localize_suggestions
from search.people_families import empty_states
from search.planner import plan_query
from search.presentation import (
    empty_result_tips,
    expansion_text,
    facet_groups,
    page_links,
    page_url,
    related_links,
    result_extras,
    result_map,
)
from search.query import InvalidSearch, check_searchable, parse_search_params, without_other_parameters
from search.suggest import EMPTY_PLAN

AUTOCOMPLETE_FAMILIES = ("projects", "enterprises", "townships", "experiences", "organisations", "programmes")
INCOMPLETE_NOTICE = "Search is running in a reduced mode: results may be incomplete."


@json_endpoint("GET")
def search_api(request):
    try:
        query = parse_search_params(request.GET, families())
        result = engines.search(query)
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    _localize(result)
    data = result.as_dict()
    if result.incomplete:
        data["notice"] = _(INCOMPLETE_NOTICE)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@json_endpoint("GET")
def autocomplete_api(request):
    # `lang`: the language of the page asking (its search box sends it). The API's address has no language prefix,
    # so without it the browser's Accept-Language chose: a zh-hant page in an English browser got English titles,
    # labels and links.
    language = request.GET.get("lang", "") or translation.get_language()
    try:
        prefix = check_searchable("q", request.GET.get("q", ""))[:50]
        if language not in dict(settings.LANGUAGES):
            raise InvalidSearch(_("Unknown language: %(lang)s.") % {"lang": language})
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    with translation.override(language):
        suggestions = engines.autocomplete(prefix, families_=AUTOCOMPLETE_FAMILIES)
        labels = {name: str(family.label) for name, family in families().items()}
        localize_suggestions(suggestions)
    for suggestion in suggestions:
        suggestion["family_label"] = labels.get(suggestion["family"], suggestion["family"])
    return JsonResponse({"suggestions": suggestions}, json_dumps_params={"ensure_ascii": False})


def _localize(result):
    """The hits of an answer turned to the reader's language (search/localize.py), highlighted as the engine did."""
    terms = plan_query(result.query.q).highlight_terms if result.query.q else ()
    localize_hits(result.hits, terms)


def _sorts():
    return [
        ("relevance", _("Relevance")),
        ("newest", _("Newest")),
        ("most_backed", _("Most backed")),
        ("closest_to_goal", _("Closest to goal")),
        ("nearest", _("Nearest to a township")),
    ]


@require_safe
def search_map(request):
    """The same search on a map: townships coloured by how many results each holds (the township facet)."""
    error, result, query, search_map_ = "", None, None, None
    try:
        query = parse_search_params(without_other_parameters(request.GET), families())
        query.per_page = 1
        query.facets = ("township",)  # the map needs only the township counts
        result = engines.search(query)
    except InvalidSearch as problem:
        error = problem.for_page
    if result is not None:
        search_map_ = result_map(request, result)
    context = {
        "error": error,
        "result": result,
        "query": query,
        "q": request.GET.get("q", ""),
        "map": search_map_,
        "list_url": f"{reverse('search:page')}?{request.GET.urlencode()}",
    }
    return render(request, "search/map.html", context, status=400 if error else 200)


def _township_options(selected):
    """The "nearest" sort's choice of township: an <optgroup> per county, in code order, `selected` marked. The
    markup of 368 options is made once per language with the site's other long lists (a template loop over them
    cost 5 ms of every search page); only the mark of the chosen one is placed per request."""
    from places.models import Township

    def options():
        groups = {}
        for township in Township.objects.with_county().order_by("county__code", "code"):
            groups.setdefault(township.county, []).append((township.code, township.name))
        return str(
            format_html_join(
                "",
                '<optgroup label="{}">{}</optgroup>',
                (
                    (county.name, format_html_join("", '<option value="{}">{}</option>', towns))
                    for county, towns in groups.items()
                ),
            )
        )

    markup = site_wide_value("search:township-options", options)
    if selected:
        chosen = format_html('<option value="{}">', selected)
        markup = markup.replace(chosen, chosen[:-1] + " selected>", 1)
    return mark_safe(markup)  # noqa: S308 (built by format_html above: every name and code escaped)


def _with_home_township(request):
    """The query string's search parameters (the others ignored), with the signed-in visitor's home township as
    `near` when sorting by distance without one; and whether "nearest" was asked with no township to measure from
    (the page then sorts by relevance and asks for one, rather than showing no results)."""
    params = without_other_parameters(request.GET)
    user = request.user
    nearest_without_township = params.get("sort") == "nearest" and not params.get("near", "").strip()
    if nearest_without_township and user.is_authenticated and user.home_township_id:
        params["near"] = user.home_township.code
        nearest_without_township = False
    if nearest_without_township:
        params["sort"] = "relevance"
    return params, nearest_without_township


def _wider_searches(query):
    """For a search without results: [{text, url}] of the searches that widen it (the words without the filters,
    the filters taken off, every project), so the empty page leads somewhere instead of only saying "try again"."""
    wider = []
    if query.filters and query.q:
        wider.append(
            {
                "text": _("Search for “%(q)s” without the filters") % {"q": query.q},
                "url": "?" + urlencode({"q": query.q}),
            }
        )
    elif query.filters:
        wider.append({"text": _("Take every filter off"), "url": "?"})
    if query.q:
        wider.append({"text": _("Browse every project"), "url": "?" + urlencode({"kind": "projects"})})
    return wider


@require_safe
def search_page(request):
    # Anonymous visitors asking the same thing share one rendered page while no index, synonym or site change has
    # happened since, and for at most SEARCH_PAGE_CACHE_SECONDS: what can still change under it without a write
    # (Elasticsearch shows a write after its refresh, up to a second later; "upcoming" moves with the clock) is
    # late by no more than that.
    return anonymous_view(
        request,
        "search-page",
        lambda: _render_search_page(request),
        depends_on=[SEARCH_RESULTS],
        seconds=settings.SEARCH_PAGE_CACHE_SECONDS,
    )


def _render_search_page(request):
    error, result, query = "", None, None
    params, nearest_without_township = _with_home_township(request)
    try:
        query = parse_search_params(params, families())
        result = engines.search(query)
    except InvalidSearch as problem:
        error = problem.for_page
    plan = plan_query(query.q) if query is not None and query.q else EMPTY_PLAN
    if result is not None:
        _localize(result)
        for hit in result.hits:
            hit["matched_via_text"] = [expansion_text(expansion) for expansion in hit.get("matched_via", ())]
    context = {
        "error": error,
        "result": result,
        # The pictures and project facts of the result cards (search/search.html)
        "extras": result_extras(result.hits) if result is not None and result.hits else {},
        "query": query,
        "q": request.GET.get("q", ""),
        "expansions": [expansion_text(expansion) for expansion in result.expansions] if result else [],
        "related": related_links(result) if result else {},
        "facets": facet_groups(result, query) if result else [],
        "pages": page_links(request, result) if result else [],
        # A page past the last one (an old link, a hand-made URL): results exist, this page has none of them.
        "last_page_url": page_url(request, result.pages) if result and result.total and not result.hits else "",
        "sorts": _sorts(),
        "township_options": _township_options(query.near if query is not None else ""),
        "facet_names": FACETS,
        "empty_states": empty_states(query) if result is not None and not result.hits else [],
        "wider_searches": _wider_searches(query) if result is not None and not result.total else [],
        "tips": empty_result_tips(result, query, plan.concepts) if result is not None and not result.total else [],
        "map_url": f"{reverse('search:map')}?{request.GET.urlencode()}",
        # Only punctuation or symbols typed: nothing to search for, so every result is listed; the page says why.
        "nearest_without_township": nearest_without_township,
        "nothing_to_search": bool(result is not None and query.q and not plan.concepts),
    }
    response = render(request, "search/search.html", context, status=400 if error else 200)
    if result is not None and result.incomplete:
        patch_cache_control(response, no_store=True)  # the fallback's answer: not kept once Elasticsearch is back
    return response
