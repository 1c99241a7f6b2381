"""Edit distance for spelling tolerance (search/planner.py corrects words no public document holds).

Damerau-Levenshtein (optimal string alignment): an insertion, deletion, substitution or swap of two neighbours
costs 1. Latin words of 4-5 letters are corrected within 1 edit, from 6 letters within 2; shorter words are left
alone (too many short words are one edit apart). Why not Elasticsearch's `fuzziness`: on the bigram field it would
also blur Chinese bigrams, the database engine has no equivalent that gives the same hits, and the two engines
would score fuzzy hits differently; one correction in Python is the rule of the rest of the analysis.
"""

MIN_LENGTH = 4


def max_edits(word):
    return 1 if len(word) < 6 else 2


def edit_distance(first, second):
    """Damerau-Levenshtein distance (optimal string alignment): insert, delete, substitute, swap neighbours."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


__all__ = ["edit_distance", "max_edits"]
