"""The shared analysis: normalisation, the Python mirror of the node's bigram analyser, jieba words."""

import random

import pytest
from django.utils.html import escape

from search.analysis import (
    _segmenter,
    bigram_tokens,
    clause_bigrams,
    dictionary_cut,
    domain_words,
    highlight,
    normalise,
    normalise_char,
    normalised_words,
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


def test_normalise_gives_nfkc_for_any_mix_of_full_width_and_combining_characters():
    # normalise replaces full-width ASCII forms on their own before deciding whether NFKC's whole pass is needed:
    # whatever follows them (a combining mark, a half-width voiced sound mark, another full-width form), the
    # result must be what NFKC gives.
    import unicodedata

    from search.analysis import VARIANTS

    folded = str.maketrans(VARIANTS)
    pool = [chr(code) for code in range(0xFF00, 0xFFA0)] + list(
        "\u3000\u0301\u0308\u0327\u3099\u309a\u2026\ufb01\u2460\u337fA e\u00c5\u1100\u1161\uac00台可，。ｶﾞ"
    )
    rng = random.Random(23)  # noqa: S311 (reproducible test data)
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 10)))
        assert normalise(text) == unicodedata.normalize("NFKC", text).lower().translate(folded), repr(text)


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


def test_the_dictionary_cut_gives_jiebas_words():
    """Indexing cuts words with `dictionary_cut()` (faster); it must give exactly what jieba's own
    `cut_for_search(HMM=False)` gives: the domain words, the fixture's texts, mixed scripts and random runs."""
    texts = list(domain_words())
    for document in fixture_documents():
        texts.extend(normalise(text) for text in document.texts())
    texts += [
        normalise("屏東可可農場 Tilapia farm 3.5 ｔｅｓｔ，臺東縣池上鄉的返鄉青年以可可發展認養。"),
        "65歲以上 12.5% c++ a-b_c#d\r\n  x",
        "ｶﾞ①㍿ 𠀀𠀁 é 池上池上池上",
    ]
    alphabet = sorted(set("".join(texts)))
    generator = random.Random(7)  # noqa: S311 (reproducible test data)
    texts += ["".join(generator.choice(alphabet) for _ in range(generator.randrange(1, 30))) for _ in range(2000)]
    jieba, fast = _segmenter.tokenizer(), dictionary_cut()
    for text in texts:
        assert list(fast.cut_for_search(text)) == list(jieba.cut_for_search(text, HMM=False)), text
        # The words an index keeps: jieba's, stripped, without punctuation, in order, each once.
        kept = [word.strip() for word in jieba.cut_for_search(text, HMM=False)]
        kept = [word for word in kept if word and any(char.isalnum() for char in word)]
        assert list(normalised_words(text)) == list(dict.fromkeys(kept)), text


def _highlight_char_by_char(text, query, max_length=None):
    """The first implementation of `highlight` (every character normalised, marked and escaped on its own)."""
    text = text or ""
    if max_length and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    folded, owners = [], []
    for position, char in enumerate(text):
        for piece in normalise_char(char):
            folded.append(piece)
            owners.append(position)
    folded_text = "".join(folded)
    marked = [False] * len(text)
    for clause in query_clauses(query):
        start = folded_text.find(clause)
        while start != -1:
            for index in range(start, start + len(clause)):
                marked[owners[index]] = True
            start = folded_text.find(clause, start + 1)
    out, inside = [], False
    for position, char in enumerate(text):
        if marked[position] != inside:
            out.append("<mark>" if marked[position] else "</mark>")
            inside = marked[position]
        out.append(escape(char))
    if inside:
        out.append("</mark>")
    return "".join(out)


def test_highlight_marks_what_the_character_by_character_version_marks():
    alphabet = list("台臺東可可農場ＡＢＣabcＡ<>&\"' 　ﬁ①㍿ｶﾞ…x.y") + ["\u0301", "e"]
    generator = random.Random(3)  # noqa: S311 (reproducible test data)
    for _ in range(5000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randrange(0, 30)))
        query = " ".join(
            "".join(generator.choice(alphabet) for _ in range(generator.randrange(1, 4)))
            for _ in range(generator.randrange(0, 3))
        )
        max_length = generator.choice([None, 5, 10, 160])
        assert highlight(text, query, max_length) == _highlight_char_by_char(text, query, max_length), (text, query)


@pytest.mark.elasticsearch
def test_python_bigrams_equal_the_nodes_analyser(search_corpus, db):
    """The database engine's tokens are the ones Elasticsearch makes, on every text of the fixture."""
    texts = ["屏東可可農場 Tilapia farm 3.5 ｔｅｓｔ", "Adopt a vanilla vine in Taitung!", "65歲以上 12.5%"]
    for document in fixture_documents():
        texts.extend(document.texts())
    for text in texts:
        assert bigram_tokens(text) == analyse(normalise(text)), text
        assert clause_bigrams(text) == analyse(normalise(text), "hw_bigram_query"), text


def test_autocomplete_inputs_hold_every_titles_words_but_function_words():
    from search.analysis import suggest_inputs

    inputs = suggest_inputs("屏東可可合作社", "The Pingtung Cocoa Cooperative", "屏東カカオ協同組合")

    assert {"屏東可可合作社", "the pingtung cocoa cooperative", "屏東カカオ協同組合"} <= set(inputs)
    assert {"屏東", "可可", "pingtung", "cocoa", "cooperative", "カカオ"} <= set(inputs)
    assert "the" not in inputs
    assert inputs["屏東可可合作社"] > inputs["the pingtung cocoa cooperative"] > inputs["cocoa"]
