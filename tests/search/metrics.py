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
