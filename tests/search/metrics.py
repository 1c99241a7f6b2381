"""nDCG@k and recall for the labelled queries (binary relevance); shared by the tests and bench/."""

import math


def resolve(labels):
    """'town:<code>' -> 'townships:<pk>'; 'fixture:<id>' stays."""
    from places.models import Township

    codes = [label.split(":", 1)[1] for label in labels if label.startswith("town:")]
    pks = dict(Township.objects.filter(code__in=codes).values_list("code", "pk"))
    out = set()
    for label in labels:
        kind, key = label.split(":", 1)
        out.add(f"townships:{pks[key]}" if kind == "town" else label)
    return out


def ndcg_at(ranked, relevant, k=10):
    gains = sum(1 / math.log2(rank + 2) for rank, uid in enumerate(ranked[:k]) if uid in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def recall(ranked, relevant):
    return len(set(ranked) & relevant) / len(relevant) if relevant else 0.0
