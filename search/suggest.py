"""What both engines do around an answer, once, the same way: plan the query, say what was corrected and which
expansions matched, and, when nothing matches, suggest a query and point to related townships and a sector.

"Did you mean" is one algorithm for both engines, over live public documents only (search/vocabulary.py reads
the database engine's token table, from which a deleted document's rows are gone): the planner already
corrects words that no public document holds (search/planner.py), so what is left when a query finds nothing is
a query with too many words for what exists; the suggestion is the first looser query whose every concept a
document matches: each concept dropped in turn (most words kept first), then each concept alone.
"""

from dataclasses import replace

from search.planner import QueryPlan, plan_query

EMPTY_PLAN = QueryPlan(text="", concepts=[], joins=(), minimum_match=0)
RELATED_TOWNSHIPS = 3


def plan_for(q):
    return plan_query(q) if q and q.strip() else EMPTY_PLAN


def search_with_plan(engine, query):
    """`engine.answer(query, plan)` with the result's correction, expansions and zero-result help filled in."""
    plan = plan_for(query.q)
    result = engine.answer(query, plan)
    result.corrected_q = plan.corrected
    result.expansions = _page_expansions(result.hits)
    if result.total == 0 and plan.concepts:
        result.suggestion = did_you_mean(engine, query, plan)
        result.related = zero_result_help(engine, query, plan)
    return result


def _page_expansions(hits):
    seen = []
    for hit in hits:
        for expansion in hit.get("matched_via", ()):
            if expansion not in seen:
                seen.append(expansion)
    return seen


def looser_queries(plan):
    """Queries with fewer concepts, most kept first: each concept dropped in turn, then each alone."""
    texts = [_concept_text(concept) for concept in plan.concepts]
    out = []
    if len(texts) > 1:
        for index in range(len(texts)):
            out.append(" ".join(texts[:index] + texts[index + 1 :]))
        out.extend(texts)
    whole = " ".join(texts)
    return [candidate for candidate in dict.fromkeys(out) if candidate and candidate != whole]


def _concept_text(concept):
    for alternative in concept.alternatives:
        if alternative.kind == "spelling":
            return alternative.text
    return concept.typed


def did_you_mean(engine, query, plan=None):
    """The first looser query that documents match in full (see the module docstring), or ""."""
    plan = plan or plan_for(query.q)
    for candidate in looser_queries(plan):
        strict = plan_query(candidate)
        strict = replace(strict, minimum_match=len(strict.concepts))
        if strict.concepts and engine.has_hits(replace(query, q=candidate, page=1), strict):
            return candidate
    return ""


def zero_result_help(engine, query, plan=None):
    """{"townships": [codes], "sector": slug or ""} for a query without hits: townships the query names, then the
    townships and the sector holding most documents that match any one of its concepts."""
    from places.models import Township

    plan = plan or plan_for(query.q)
    named = []
    for concept in plan.concepts:
        text = concept.typed
        if len(text) >= 2:
            named.extend(
                Township.objects.filter(name_zh__startswith=text).order_by("code").values_list("code", flat=True)
            )
    loose = replace(plan, minimum_match=1)
    answer = engine.answer(replace(query, page=1, per_page=1, facets=("township", "sector"), filters={}), loose)
    townships = list(dict.fromkeys(named + [code for code, _count in answer.facets.get("township", [])]))
    sectors = [slug for slug, _count in answer.facets.get("sector", [])]
    return {"townships": townships[:RELATED_TOWNSHIPS], "sector": sectors[0] if sectors else ""}


__all__ = ["did_you_mean", "looser_queries", "plan_for", "search_with_plan", "zero_result_help"]
