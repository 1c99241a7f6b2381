"""What both engines do around an answer, once, the same way: plan the query, say what was corrected and which
expansions matched, and, when nothing matches, suggest a query and point to related townships and a sector.

"Did you mean" is one algorithm for both engines, over live public documents only (search/vocabulary.py reads
the database engine's token table, from which a deleted document's rows are gone): the planner already
corrects words that no public document holds (search/planner.py), so what is left when a query finds nothing is
a query with too many words for what exists; the suggestion is the first looser query whose every concept a
document matches: each concept dropped in turn (most words kept first), then each concept alone. It is offered only
when it is a plausible correction: every word it drops is one no public document holds (dropping a word that finds
documents of its own is a guess between words, not a correction), it keeps a word (a bare number or letter is no
search: "1" after `1; DROP TABLE users`), and it keeps at least a third of the query's words ("alert" alone is no
reading of `<script>alert(1)</script>`).
"""

from dataclasses import replace

from search import vocabulary
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
        result.unknown_words = list(dict.fromkeys(concept.typed for concept in unknown_concepts(plan)))
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
    return [text for text, _kept in _looser_choices(plan)]


def _looser_choices(plan):
    """[(query text, indexes of the concepts it keeps)] of `looser_queries`, the first of equal texts."""
    texts = [_concept_text(concept) for concept in plan.concepts]
    choices = []
    if len(texts) > 1:
        every = range(len(texts))
        choices += [tuple(i for i in every if i != dropped) for dropped in every]
        choices += [(kept,) for kept in every]
    whole = " ".join(texts)
    out = {}
    for kept in choices:
        text = " ".join(texts[i] for i in kept)
        if text and text != whole:
            out.setdefault(text, kept)
    return list(out.items())


def _concept_text(concept):
    for alternative in concept.alternatives:
        if alternative.kind == "spelling":
            return alternative.text
    return concept.typed


def is_held(concept):
    """Whether some public document holds one of the concept's alternatives (all its tokens, in the database
    engine's token table, which both engines' documents fill alike)."""
    for item in concept.alternatives:
        if item.word and vocabulary.present_words([item.word]):
            return True
        if item.match and set(item.match) <= vocabulary.present_bigrams(item.match):
            return True
    return False


def unknown_concepts(plan):
    """The plan's concepts no public document holds: the words whose spelling is worth checking."""
    return [concept for concept in plan.concepts if not is_held(concept)]


def _is_word(text):
    """Whether a concept's text is a word worth searching alone: more than one character and not only digits."""
    return any(char.isalpha() for char in text) and len(text.replace(" ", "")) > 1


def _plausible(plan, kept):
    """Whether the looser query keeping the concepts at indexes `kept` is a correction of the plan's query (see
    the module docstring)."""
    dropped = [concept for i, concept in enumerate(plan.concepts) if i not in kept]
    return (
        3 * len(kept) >= len(plan.concepts)
        and any(_is_word(plan.concepts[i].typed) for i in kept)
        and not any(is_held(concept) for concept in dropped)
    )


def did_you_mean(engine, query, plan=None):
    """The first looser query that documents match in full and that is a plausible correction (see the module
    docstring), or ""."""
    plan = plan or plan_for(query.q)
    for candidate, kept in _looser_choices(plan):
        if not _plausible(plan, kept):
            continue
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


__all__ = [
    "did_you_mean",
    "is_held",
    "looser_queries",
    "plan_for",
    "search_with_plan",
    "unknown_concepts",
    "zero_result_help",
]
