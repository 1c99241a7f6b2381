"""nDCG@k and recall for the labelled queries (binary relevance); shared by the tests and bench/."""

import math


def resolve(labels):
    """'town:<code>' -> 'townships:<pk>'; 'story:<slug>' -> 'stories:<pk>' and 'project:<title>' -> 'projects:<pk>'
    (the demo pages in the default language); 'fixture:<id>' stays."""
    from places.models import Township

    codes = [label.split(":", 1)[1] for label in labels if label.startswith("town:")]
    pks = dict(Township.objects.filter(code__in=codes).values_list("code", "pk"))
    out = set()
    for label in labels:
        kind, key = label.split(":", 1)
        if kind == "town":
            out.add(f"townships:{pks[key]}")
        elif kind in ("story", "project"):
            out.add(_page_uid(kind, key))
        else:
            out.add(label)
    return out


def _page_uid(kind, key):
    from cms.actions import default_locale
    from cms.models import ProjectPage, StoryPage

    if kind == "story":
        page = StoryPage.objects.get(slug=key, locale=default_locale())
        return f"stories:{page.pk}"
    page = ProjectPage.objects.get(title=key, locale=default_locale())
    return f"projects:{page.pk}"


def ndcg_at(ranked, relevant, k=10):
    gains = sum(1 / math.log2(rank + 2) for rank, uid in enumerate(ranked[:k]) if uid in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def recall(ranked, relevant):
    return len(set(ranked) & relevant) / len(relevant) if relevant else 0.0


def baseline_ranking(documents, query):
    """The single-character baseline: a document scores how many distinct characters of the query (as typed: no
    normalisation, no words, no bigrams) occur in its texts, which is what a naive LIKE-per-character search does."""
    chars = {char for char in query if not char.isspace()}
    scored = []
    for document in documents:
        text = " ".join(document.texts())
        score = sum(1 for char in chars if char in text)
        if score:
            scored.append((-score, document.uid))
    return [uid for _score, uid in sorted(scored)]


# --- Graded relevance (the relevance set of issue 16: tests/search/relevance_set/) -----------------------------


def graded_ndcg_at(ranked, grades, k=10):
    """nDCG@k with graded relevance: gain 2^grade − 1 at rank r discounted by log2(r + 1)."""
    gains = sum((2 ** grades.get(uid, 0) - 1) / math.log2(rank + 2) for rank, uid in enumerate(ranked[:k]))
    ideal_grades = sorted(grades.values(), reverse=True)[:k]
    ideal = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal_grades))
    return gains / ideal if ideal else 0.0


def recall_at(ranked, grades, k=10):
    """The share of the relevant documents (grade ≥ 1) in the top k, out of at most k (a query with 15 relevant
    documents and 10 of them in the top 10 has recall@10 = 1)."""
    relevant = {uid for uid, grade in grades.items() if grade >= 1}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


def bm25_bigram_baseline(documents, k1=1.2, b=0.75):
    """A plain BM25 ranker over each document's texts pooled in one field of unigrams and bigrams (what the
    `standard` tokenizer with a 2-shingle makes), the query cut into its clauses' bigrams, any token enough
    (OR): no words, no synonyms, no dictionary, no spelling, no field weights. Returns rank(query) -> [uid]."""
    from collections import Counter

    from search.analysis import bigram_tokens, clause_bigrams, query_clauses

    bags = {}
    for document in documents:
        bag = Counter()
        for text in document.texts():
            bag.update(bigram_tokens(text))
        bags[document.uid] = bag
    count = len(bags)
    average = sum(sum(bag.values()) for bag in bags.values()) / max(count, 1)
    frequency = Counter(token for bag in bags.values() for token in bag)

    def rank(query):
        tokens = {token for clause in query_clauses(query) for token in clause_bigrams(clause)}
        scored = []
        for uid, bag in bags.items():
            length = sum(bag.values())
            score = 0.0
            for token in tokens:
                tf = bag.get(token)
                if tf:
                    idf = math.log(1 + (count - frequency[token] + 0.5) / (frequency[token] + 0.5))
                    score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
            if score:
                scored.append((-score, uid))
        return [uid for _score, uid in sorted(scored)]

    return rank
