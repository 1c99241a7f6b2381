"""Search views: a JSON API and the public search page. Thin: parsing in search/query.py, engines in search/engines.py.

GET /api/search/?q=&county=&township=&sector=&funding_type=&sdg=&priority_area=&status=&kind=&sort=&near=
    &page=&per_page=
    q             the query (Traditional Chinese, English or both; 台/臺 alike), at most 200 characters
    county, ...   facet filters: repeat the parameter or separate values with commas; values of one facet are
                  ORed, facets are ANDed. priority_area is true or false. kind is a family (e.g. townships).
    sort          relevance (default), newest, most_backed, closest_to_goal, nearest (needs near=<town code>)
    page, per_page  1-based page, 1..50 per page (20 by default)
    Answers 400 {"error": reason} for an unknown parameter, sort, kind or township, or a bad number.
    The answer's "incomplete" is true when Elasticsearch failed and the database engine answered.
GET /api/search/autocomplete/?q=<prefix>   up to 8 {"uid", "family", "title", "title_en", "url"}
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search import engines
from search.documents import FACETS, families
from search.presentation import facet_groups, page_links
from search.query import InvalidSearch, parse_search_params

INCOMPLETE_NOTICE = "Search is running in a reduced mode: results may be incomplete."


@require_GET
def search_api(request):
    try:
        query = parse_search_params(request.GET, families())
        result = engines.search(query)
    except InvalidSearch as error:
        return JsonResponse({"error": str(error)}, status=400)
    data = result.as_dict()
    if result.incomplete:
        data["notice"] = _(INCOMPLETE_NOTICE)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def autocomplete_api(request):
    prefix = request.GET.get("q", "")[:50]
    return JsonResponse({"suggestions": engines.autocomplete(prefix)}, json_dumps_params={"ensure_ascii": False})


@require_GET
def search_page(request):
    error, result, query = "", None, None
    try:
        query = parse_search_params(request.GET, families())
        result = engines.search(query)
    except InvalidSearch as problem:
        error = str(problem)
    context = {
        "error": error,
        "result": result,
        "query": query,
        "q": request.GET.get("q", ""),
        "facets": facet_groups(result, query) if result else [],
        "pages": page_links(request, result) if result else [],
        "sorts": [
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("most_backed", _("Most backed")),
            ("closest_to_goal", _("Closest to goal")),
            ("nearest", _("Nearest to a township")),
        ],
        "facet_names": FACETS,
    }
    return render(request, "search/search.html", context, status=400 if error else 200)
