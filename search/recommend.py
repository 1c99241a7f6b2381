"""Recommendation candidates from Elasticsearch: the projects with the best scores for a company, in one query.

marketplace.matching owns the weights and the exact scoring with reasons; it hands this module (through
marketplace.providers.search_candidates, provided in search's AppConfig.ready()) the points each
factor is worth for one company (`Factors`) and gets back the ids of the best projects, as its database step
(`_candidate_ids`) would. The node has core features only (no painless), so every factor is a filter whose match
is worth a constant score (`constant_score` inside a `bool`'s `should`), and the sum of the matching clauses is
the score:

- township points (tie level + priority area, computed per township by matching): one `terms` clause per value;
- sector: one `terms` clause; SDGs: one `term` clause per SDG, or, when the company has more SDGs than the cap,
  "at least k shared SDGs" for k = 1..max, each worth one SDG's points;
- ticket: the indexed ask range overlaps the company's ticket range (two `range` filters);
- updates: "at least k updates since d" is "the k-th latest update date >= d" (`latest_updates.uk`);
- freshness: nested `range`s on `published_at`, each worth the step from the value below;
- backers: the indexed `backers` (the ledger's count, refreshed after each payment) times the points per backer,
  added to the sum by a `function_score` with `field_value_factor` (core, no script), capped by its `max_boost` at
  `backer_max` backers' points.

Raises on any Elasticsearch failure: the caller falls back to the database.
"""

from search.documents import LATEST_UPDATES_KEPT
from search.engines import configured_engine_name

FAMILY = "projects"


def _worth(query, points):
    return {"constant_score": {"filter": query, "boost": points}}


def candidate_query(factors):
    """The query whose score is the candidate score of a project."""
    should = []
    by_points = {}
    for code, points in factors.township_points.items():
        if points:
            by_points.setdefault(points, []).append(code)
    for points, codes in sorted(by_points.items()):
        should.append(_worth({"terms": {"township": sorted(codes)}}, points))
    if factors.sector_slugs and factors.sector_points:
        should.append(_worth({"terms": {"sector": sorted(factors.sector_slugs)}}, factors.sector_points))
    if factors.sdg_numbers and factors.sdg_points:
        terms = [{"term": {"sdg": str(number)}} for number in sorted(factors.sdg_numbers)]
        if len(terms) <= factors.sdg_max:
            should.extend(_worth(term, factors.sdg_points) for term in terms)  # no cap to apply: one clause each
        else:
            for shared in range(1, factors.sdg_max + 1):
                at_least = {"bool": {"should": terms, "minimum_should_match": shared}}
                should.append(_worth(at_least, factors.sdg_points))
    if factors.ticket is not None and factors.ticket_points:
        low, high = factors.ticket
        overlap = [{"range": {"ask_high": {"gte": low or 0}}}]
        if high:
            overlap.append({"range": {"ask_low": {"lte": high}}})
        should.append(_worth({"bool": {"filter": overlap}}, factors.ticket_points))
    if factors.updates_since is not None and factors.update_points:
        if factors.update_max > LATEST_UPDATES_KEPT:
            # The index holds only that many update dates: counting more would silently differ from the database.
            raise ValueError(f"update_max {factors.update_max} > LATEST_UPDATES_KEPT {LATEST_UPDATES_KEPT}")
        since = factors.updates_since.isoformat()
        for k in range(1, factors.update_max + 1):
            should.append(_worth({"range": {f"latest_updates.u{k}": {"gte": since}}}, factors.update_points))
    below = 0
    for after, points in sorted(factors.fresh, key=lambda bucket: bucket[1]):
        # A project published after this bucket's start is also after every older bucket's: each step adds the
        # difference, so the sum is the points of the newest bucket it is in.
        if points > below:
            should.append(_worth({"range": {"published_at": {"gt": after.isoformat()}}}, points - below))
            below = points
    query = {
        "bool": {
            "filter": [{"term": {"family": FAMILY}}, {"term": {"is_public": True}}],
            "should": should,
        }
    }
    if not factors.backer_points:
        return query
    backers = {"field": "backers", "factor": factors.backer_points, "modifier": "none", "missing": 0}
    function_score = {
        "query": query,
        "functions": [{"field_value_factor": backers}],
        "score_mode": "sum",
        "boost_mode": "sum",  # the bool's sum + min(backers, backer_max) × points
    }
    if factors.backer_max:
        function_score["max_boost"] = factors.backer_points * factors.backer_max
    return {"function_score": function_score}


def candidate_request(factors, count):
    """The search request's body: the query, the sort, and nothing fetched but the ids."""
    return {
        "query": candidate_query(factors),
        "size": count,
        "source": False,
        "track_total_hits": False,
        "sort": [
            {"_score": "desc"},
            {"published_at": {"order": "desc", "missing": "_last"}},
            {"sort_title": "asc"},
            {"object_id": "asc"},
        ],
    }


def candidate_project_ids(factors, count):
    """The ids (ints) of the `count` projects with the best candidate scores, best first; ties by newest
    publication, then title (code points), as marketplace.matching breaks them."""
    from search.engines import elasticsearch_client
    from search.es import alias_name

    response = elasticsearch_client().search(index=alias_name(FAMILY), **candidate_request(factors, count))
    prefix = f"{FAMILY}:"
    return [int(hit["_id"].removeprefix(prefix)) for hit in response["hits"]["hits"]]


def recommendation_candidates(factors, count):
    """marketplace.providers.search_candidates: the best ids from Elasticsearch when it is the search engine, else
    None (the database decides)."""
    if configured_engine_name() != "elasticsearch":
        return None
    return candidate_project_ids(factors, count)
