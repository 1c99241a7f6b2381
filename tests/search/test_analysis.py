"""The shared analysis: normalisation, the Python mirror of the node's bigram analyser, jieba words."""

import pytest

from search.analysis import (
    bigram_tokens,
    clause_bigrams,
    highlight,
    normalise,
    query_clauses,
    suggest_inputs,
    word_tokens,
)
from search.es import analyse
from tests.search.fixture import fixture_documents


def test_normalise_folds_width_case_and_variants():
    assert normalise("台東ＡＢＣ１２３") == "臺東abc123"
    assert normalise("台灣鯛　Tilapia") == "臺灣鯛 tilapia"
    assert normalise("温泉裏的峯") == "溫泉裡的峰"


def test_bigrams_keep_unigrams_and_join_neighbours():
    assert bigram_tokens("屏東可可") == ["屏", "屏東", "東", "東可", "可", "可可", "可"]
    assert clause_bigrams("屏東可可") == ["屏東", "東可", "可可"]
    assert clause_bigrams("台") == ["臺"]
    assert clause_bigrams("Tilapia") == ["tilapia"]


def test_query_clauses_split_on_white_space_and_drop_punctuation_only_clauses():
    assert query_clauses(" 香草　認養  ! 香草") == ["香草", "認養"]


def test_jieba_knows_domain_words_and_township_names():
    words = word_tokens("口湖智慧養殖吳郭魚 官田菱角殼炭 台東縣池上鄉")
    for expected in ("口湖", "吳郭魚", "官田", "菱角殼炭", "臺東縣", "池上鄉", "池上"):
        assert expected in words, expected


def test_suggest_inputs_hold_whole_titles_and_title_words():
    inputs = suggest_inputs("臺東縣池上鄉", "Chishang Township, Taitung County")
    assert inputs["臺東縣池上鄉"] == 3
    assert inputs["chishang township, taitung county"] == 2
    assert "池上鄉" in inputs


def test_highlight_escapes_html_and_marks_variants():
    html = highlight('<b>台東</b> & "臺東"', "臺東")
    assert html == "&lt;b&gt;<mark>台東</mark>&lt;/b&gt; &amp; &quot;<mark>臺東</mark>&quot;"


@pytest.mark.elasticsearch
def test_python_bigrams_equal_the_nodes_analyser(search_corpus, db):
    """The database engine's tokens are the ones Elasticsearch makes, on every text of the fixture."""
    texts = ["屏東可可農場 Tilapia farm 3.5 ｔｅｓｔ", "Adopt a vanilla vine in Taitung!", "65歲以上 12.5%"]
    for document in fixture_documents():
        texts.extend(document.texts())
    for text in texts:
        assert bigram_tokens(text) == analyse(normalise(text)), text
        assert clause_bigrams(text) == analyse(normalise(text), "hw_bigram_query"), text
