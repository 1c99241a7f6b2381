"""A search request and its answer, the same for both engines; parameters are whitelisted here."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from search.documents import FACETS, SORTS

MAX_QUERY_LENGTH = 200
MAX_PER_PAGE = 50
# Elasticsearch refuses from + size past index.max_result_window (10,000): a deeper page would be an engine error
# each time (logged, counted as a fallback, answered by the slower database engine and marked incomplete).
MAX_RESULTS_PAGED = 10_000
MAX_VALUES_PER_FACET = 20


class InvalidSearch(ValueError):
    """A parameter was refused; the message says why (returned by the API with HTTP 400). `for_page` says it as the
    search page shows it: the API names its parameters (per_page, priority_area), a person reads the field's name in
    their language (a hand-edited address showed "page は整数で指定してください。")."""

    def __init__(self, message, for_page=None):
        super().__init__(message)
        self.for_page = for_page or message


def _facet_label(name):
    return FACETS.get("family" if name == "kind" else name, name)


@dataclass
class SearchQuery:
    q: str = ""
    filters: dict = field(default_factory=dict)  # facet -> [values]; values within a facet are ORed
    sort: str = "relevance"
    near: str = ""  # township code for sort=nearest
    page: int = 1
    per_page: int = 20
    families: tuple = ()  # empty: every registered family
    include_private: bool = False  # only for staff tools and tests; the public views never set it
    facets: tuple = ()  # the facets to count; empty: every facet (the map counts only "township")

    @property
    def counted_facets(self):
        return [name for name in FACETS if not self.facets or name in self.facets]

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class SearchResult:
    hits: list  # [{"uid", "family", "object_id", "title_html", "summary_html", "display", "distance_km"?}]
    total: int
    facets: dict  # facet -> [(value, count)], largest count first, then value
    query: SearchQuery
    engine: str
    incomplete: bool = False  # True when Elasticsearch failed and the database engine answered
    suggestion: str = ""  # "did you mean" for a query without hits
    corrected_q: str = ""  # the query searched instead of query.q when misspelt words were corrected
    expansions: list = field(default_factory=list)  # [{"from", "to", "kind"}] that matched hits of this page
    related: dict = field(default_factory=dict)  # for a query without hits: {"townships": [codes], "sector": slug}
    unknown_words: list = field(default_factory=list)  # for a query without hits: its words no document holds

    @property
    def pages(self):
        """The pages one can open: past MAX_RESULTS_PAGED results, a larger total is not linked page by page."""
        return max(1, min(-(-self.total // self.query.per_page), MAX_RESULTS_PAGED // self.query.per_page))

    def as_dict(self):
        return {
            "total": self.total,
            "page": self.query.page,
            "pages": self.pages,
            "per_page": self.query.per_page,
            "engine": self.engine,
            "incomplete": self.incomplete,
            "suggestion": self.suggestion,
            "corrected_q": self.corrected_q,
            "expansions": self.expansions,
            "related": self.related,
            "unknown_words": self.unknown_words,
            "hits": self.hits,
            "facets": {name: [{"value": v, "count": n} for v, n in values] for name, values in self.facets.items()},
        }


def _int(params, name, default, minimum, maximum, for_page):
    """`for_page`: the reason as the page says it, with %(maximum)s."""
    raw = params.get(name, "")
    if raw in ("", None):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidSearch(
            _("%(name)s must be a whole number.") % {"name": name}, for_page % {"maximum": maximum}
        ) from None
    if not minimum <= value <= maximum:
        raise InvalidSearch(
            _("%(name)s must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
            for_page % {"maximum": maximum},
        )
    return value


ALLOWED_PARAMETERS = {"q", "sort", "near", "page", "per_page", "kind", "format", *FACETS}


def without_other_parameters(params):
    """The search parameters of a page's query string (a QueryDict), without the others. The pages ignore what is
    not theirs: a link shared on a social network or in a newsletter comes back with fbclid, gclid or utm_* added,
    and the visitor who follows it should see the results, not "Unknown parameter". The API stays strict."""
    params = params.copy()
    for name in set(params.keys()) - ALLOWED_PARAMETERS:
        del params[name]
    return params


def check_searchable(name, value):
    """`value` unless it holds a NUL character, which no engine can search (PostgreSQL refuses it in any text)."""
    if "\x00" in value:
        raise InvalidSearch(
            _("%(name)s contains a character that cannot be searched.") % {"name": name},
            _("The search words contain a character that cannot be searched.")
            if name == "q"
            else _("The filter “%(label)s” contains a character that cannot be searched.")
            % {"label": _facet_label(name)}
            if name in FACETS or name == "kind"
            else _("The address of this search contains a character that cannot be searched."),
        )
    return value


def parse_search_params(params, known_families):
    """A SearchQuery from request parameters (a QueryDict or a dict of lists); InvalidSearch says what is wrong."""
    getlist = params.getlist if hasattr(params, "getlist") else (lambda key: list(params.get(key, [])))
    unknown = sorted(set(params.keys()) - ALLOWED_PARAMETERS)
    if unknown:
        raise InvalidSearch(_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
    for name in sorted(params.keys()):
        for value in getlist(name):
            check_searchable(name, value)
    single = {key: (getlist(key) or [""])[-1] for key in ("q", "sort", "near", "page", "per_page")}
    q = single["q"].strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidSearch(_("The query is too long (at most %(n)s characters).") % {"n": MAX_QUERY_LENGTH})
    sort = single["sort"] or "relevance"
    if sort not in SORTS:
        raise InvalidSearch(_("Unknown sort: %(sort)s.") % {"sort": sort})
    near = single["near"].strip()
    if sort == "nearest" and not near:
        raise InvalidSearch(_("Sorting by distance needs a township (near=town code)."))
    if near and not (near.isdigit() and len(near) <= 8):
        raise InvalidSearch(_("near must be a town code."), _("Choose a township from the list under “Nearest to”."))
    filters = {}
    for name in FACETS:
        if name == "family":
            continue
        values = [value.strip() for value in getlist(name) for value in value.split(",") if value.strip()]
        if not values:
            continue
        if len(values) > MAX_VALUES_PER_FACET or any(len(value) > 64 for value in values):
            raise InvalidSearch(
                _("Too many or too long values for %(name)s.") % {"name": name},
                _("The filter “%(label)s” has too many or too long values.") % {"label": _facet_label(name)},
            )
        if name == "priority_area" and set(values) - {"true", "false"}:
            raise InvalidSearch(
                _("priority_area must be true or false."),
                _("The filter “%(label)s” has a value it does not know.") % {"label": _facet_label(name)},
            )
        filters[name] = sorted(set(values))
    kinds = [value for value in getlist("kind") for value in value.split(",") if value]
    unknown_kinds = sorted(set(kinds) - set(known_families))
    if unknown_kinds:
        raise InvalidSearch(_("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown_kinds)})
    if kinds:
        filters["family"] = sorted(set(kinds))
    per_page = _int(
        single, "per_page", 20, 1, MAX_PER_PAGE, _("The number of results per page must be from 1 to %(maximum)s.")
    )
    return SearchQuery(
        q=q,
        filters=filters,
        sort=sort,
        near=near,
        page=_int(
            single,
            "page",
            1,
            1,
            MAX_RESULTS_PAGED // per_page,
            _("This search has no such page: page numbers are whole numbers from 1 to %(maximum)s."),
        ),
        per_page=per_page,
    )
