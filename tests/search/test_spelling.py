"""Spelling tolerance: edit distance, and the looser queries "did you mean" tries."""

import pytest

from search.planner import plan_query
from search.spelling import MIN_LENGTH, edit_distance, max_edits
from search.suggest import looser_queries


def test_edit_distance_counts_a_swap_of_neighbours_as_one_edit():
    assert edit_distance("tilapia", "tilapia") == 0
    assert edit_distance("tilapa", "tilapia") == 1
    assert edit_distance("cocao", "cocoa") == 1
    assert edit_distance("cacoa", "cacao") == 1
    assert edit_distance("kouhou", "kouhu") == 1
    assert edit_distance("meinogn", "meinong") == 1
    assert edit_distance("abc", "") == 3


def test_short_words_get_fewer_edits():
    assert MIN_LENGTH == 4
    assert max_edits("coffe") == 1 and max_edits("chisahng") == 2


@pytest.mark.postgres
def test_looser_queries_drop_one_concept_then_keep_one(db):
    assert looser_queries(plan_query("池上 火星 基地")) == [
        "火星 基地",
        "池上 基地",
        "池上 火星",
        "池上",
        "火星",
        "基地",
    ]
    assert looser_queries(plan_query("池上")) == []
