"""The pieces of spelling tolerance that need no index: edit distance and the looser queries to suggest."""

from search.spelling import MIN_LENGTH, edit_distance, looser_queries, max_edits


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


def test_looser_queries_drop_one_clause_then_keep_one():
    assert looser_queries("池上 火星 基地") == ["火星 基地", "池上 基地", "池上 火星", "池上", "火星", "基地"]
    assert looser_queries("池上") == []
    assert looser_queries("") == []
