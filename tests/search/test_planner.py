"""The query plan both engines run (search/planner.py): words, concepts, alternatives, corrections."""

import pytest

from search import lexicon
from search.db_engine import DatabaseEngine
from search.documents import SearchDocument
from search.es import ElasticsearchEngine
from search.planner import plan_query
from search.query import SearchQuery

pytestmark = [pytest.mark.postgres]


def concepts(q):
    return [concept.typed for concept in plan_query(q).concepts]


def alternatives(q, index=0):
    return {a.text: a.kind for a in plan_query(q).concepts[index].alternatives}


def test_a_question_is_cut_into_its_content_words(search_corpus, db):
    assert concepts("我想找週末可以去幫忙的農場") == ["週末", "幫忙", "農場"]
    assert concepts("哪裡可以體驗藍染？") == ["體驗", "藍染"]
    assert concepts("where can I adopt a rice field") == ["adopt", "rice", "field"]
    assert concepts("的") == ["的"]  # nothing but function words: kept rather than searching nothing


def test_the_minimum_relaxes_with_the_number_of_concepts(search_corpus, db):
    assert [plan_query(q).minimum_match for q in ("池上", "池上 米", "池上 米 有機", "a b c d", "一 二 三 四 五")] == [
        1,
        1,
        2,
        2,
        3,
    ]


def test_a_phrase_of_words_that_spells_a_synonym_is_one_concept(search_corpus, db):
    assert concepts("青年返鄉") == ["青年返鄉"]  # jieba cuts 青年 / 返鄉; the synonym joins them again
    assert concepts("long-term care") == ["long term care"]
    assert "長照" in alternatives("long-term care")
    assert concepts("black tea") == ["black tea"] and alternatives("black tea")["紅茶"] in ("synonym", "dictionary")


def test_english_reaches_chinese_through_cc_cedict_only_for_words_documents_hold(search_corpus, db):
    # The fixture holds 咖啡 (p08, p09): CC-CEDICT's 咖啡 for "coffee" is kept, its rare forms (咖逼) are not.
    assert "咖啡" in lexicon.english_to_chinese("coffee")
    coffee = alternatives("coffee")
    assert coffee.get("咖啡") in ("synonym", "dictionary") and "咖逼" not in coffee
    assert lexicon.english_to_chinese("oysters") == lexicon.english_to_chinese("oyster")  # plural folded


def test_japanese_kanji_are_folded_to_traditional_forms(search_corpus, db):
    assert lexicon.fold_japanese("台湾の駅 工芸") == "臺灣の驛 工藝"
    assert lexicon.looks_japanese("台湾") and not lexicon.looks_japanese("台灣")
    assert alternatives("工芸")["工藝"] in ("variant", "synonym")
    assert concepts("池上のお米") == ["池上", "米"]  # particles and the honorific お dropped


def test_particles_are_dropped_at_the_edges_of_a_hiragana_run_never_inside_a_word(search_corpus, db):
    """Every particle was cut out wherever it stood: にんじん became んじん, はちみつ ちみつ, みかんを み + ん."""
    assert concepts("にんじん") == ["にんじん"] and concepts("はちみつ もち") == ["はちみつ", "もち"]
    assert concepts("みかんを") == ["みかん"] and concepts("屏東のみかん") == ["屏東", "みかん"]
    assert concepts("おちゃ") == ["おちゃ"]  # the honorific is not dropped at the start of a run
    assert concepts("池上はどこですか") == ["池上"]


def test_the_honorifics_are_dropped_only_before_the_han_word_they_honour(search_corpus, db):
    """いちご, りんご, たまご and かかお end in ご or お: they were searched as いち, りん, たま and nothing."""
    assert concepts("いちご") == ["いちご"] and concepts("りんご") == ["りんご"] and concepts("たまご") == ["たまご"]
    assert concepts("かかお") == ["かかお"] and "カカオ" in alternatives("かかお")
    assert concepts("いちごの農場")[0] == "いちご" and concepts("いちごケーキ")[0] == "いちご"
    assert concepts("いちご大福")[0] == "いちご"  # a synonym term is kept whole before a Han word
    assert concepts("池上のお米") == ["池上", "米"] and concepts("のお茶") == ["茶"]


def test_simplified_chinese_is_written_in_traditional_characters_word_by_word():
    assert lexicon.fold_simplified("台东县的咖啡") == "臺東縣的咖啡"
    assert lexicon.fold_simplified("茶叶") == "茶葉"  # 叶 is also a Traditional character: the word decides
    # A character with several Traditional forms takes the one its word needs.
    folded = [lexicon.fold_simplified(word) for word in ("头发", "发展", "干净", "面条")]
    assert folded == ["頭髮", "發展", "乾淨", "麵條"]
    # Traditional text, Japanese and Latin come back as they were; 皇后 keeps its 后 where 后面 would not.
    for text in ("屏東可可", "皇后面前", "池上のお米", "tilapia 2026"):
        assert lexicon.fold_simplified(text) == text


def test_a_simplified_query_has_its_traditional_form_as_an_alternative_and_is_never_corrected(search_corpus, db):
    assert alternatives("屏东")["屏東"] == "traditional"
    assert {concept.typed for concept in plan_query("台东 香草").concepts} == {"臺东", "香草"}
    assert alternatives("养殖")["養殖"] == "traditional"
    for q in ("养殖", "屏东可可", "台东县池上乡", "返乡青年"):
        assert plan_query(q).corrected == "", q


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("咖非", "咖啡"),  # a homophone (fei) typed with 注音
        ("農村在生", "農村再生"),  # 在 for 再, the example
        ("東方美人查", "東方美人茶"),  # 查 for 茶 (cha)
        ("石班魚", "石斑魚"),  # 班 for 斑 (ban)
        ("池山", "池上"),  # shan for shang (ㄢ/ㄤ), a township name
        ("啡咖", "咖啡"),  # two characters swapped
    ],
)
def test_a_chinese_typo_is_corrected_to_a_known_word(search_corpus, db, typed, meant):
    plan = plan_query(typed)
    assert {"spelling": meant}.items() <= {a.kind: a.text for a in plan.concepts[0].alternatives}.items()


def test_a_known_word_is_never_corrected(search_corpus, db):
    for q in ("池上", "咖啡", "coffee", "crafts", "tilapia"):
        assert plan_query(q).corrected == "", q


@pytest.mark.elasticsearch
def test_corrections_and_suggestions_come_from_live_public_documents_only(search_corpus, db):
    # A word only a deleted document held is not offered as a correction (Elasticsearch's own term statistics
    # would still count it until its segments merge; both engines read the database's token table).
    document = SearchDocument(family="fixture", object_id="gone", title="zorblax farm", summary="試驗")
    engines = (DatabaseEngine(), ElasticsearchEngine())
    for engine in engines:
        engine.index_documents([document])
    assert plan_query("zorblux").corrected == "zorblax"
    for engine in engines:
        engine.delete_documents("fixture", ["gone"])
    ElasticsearchEngine().refresh("fixture")
    assert plan_query("zorblux").corrected == ""
    for engine in engines:
        result = engine.search(SearchQuery(q="zorblux"))
        assert result.total == 0 and result.corrected_q == "", engine.name
    # Nor a draft's words (not public).
    draft = SearchDocument(family="fixture", object_id="draft", title="zorblax draft", is_public=False)
    DatabaseEngine().index_documents([draft])
    try:
        assert plan_query("zorblux").corrected == ""
    finally:
        DatabaseEngine().delete_documents("fixture", ["draft"])


def test_place_names_are_compared_in_every_romanization():
    from search import romanization

    assert [romanization.wade_giles(s) for s in ("dong", "xin", "zhu", "chi", "gui", "shui", "guo", "duo")] == [
        "tung",
        "hsin",
        "chu",
        "chih",
        "kuei",
        "shui",
        "kuo",
        "to",
    ]
    assert [romanization.tongyong(s) for s in ("zhu", "xin", "qiao", "feng", "shui", "xu")] == [
        "jhu",
        "sin",
        "ciao",
        "fong",
        "shuei",
        "syu",
    ]
    places = romanization.places()
    for spelt, chinese in (("Sinjhu", "新竹"), ("Chi-lung", "基隆"), ("Tanshui", "淡水"), ("I-lan", "宜蘭")):
        assert places[romanization.key(spelt)].chinese == (chinese,), spelt
    # A name as the data writes it is that place only, not another name's rarer reading (大 read "tai": 大同).
    assert places["taitung"].chinese == ("臺東",)


def test_a_romanized_place_is_one_concept_and_an_english_word_stays_a_word(search_corpus, db):
    assert concepts("Chih-shang rice") == ["chih shang", "rice"]
    assert alternatives("Chih-shang rice") == {
        "chih shang": "typed",
        "chishang": "romanization",
        "池上": "romanization",
    }
    assert concepts("Mei-nung Township") == ["mei nung township"]
    # "alien" spells 阿蓮 in Wade-Giles (A-lien), but it is an English word: no place is made of it.
    assert "阿蓮" not in alternatives("alien")


def test_a_word_whose_other_forms_documents_hold_is_no_typo(search_corpus, db):
    # As "adopting" when documents hold "adopt" and "adoption": it is a form of "adopt", not a misspelt "adoption"
    # (the page said "Showing results for adoption (spelling corrected)").
    document = SearchDocument(family="fixture", object_id="forms", title="zorblate a field", summary="the zorblation")
    DatabaseEngine().index_documents([document])
    try:
        plan = plan_query("zorblating")
        assert plan.corrected == ""
        assert alternatives("zorblating") == {"zorblating": "typed", "zorblate": "inflection"}
    finally:
        DatabaseEngine().delete_documents("fixture", ["forms"])


def test_function_words_have_no_forms(search_corpus, db):
    # "and" + "ing" is the township Anding (安定, in the corpus's English names): not a form of "and".
    assert "anding" not in alternatives("and")
    assert "anding" in alternatives("andings")  # a real plural still finds its singular's documents
