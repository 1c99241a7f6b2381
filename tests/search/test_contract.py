"""One contract for both engines: the same fixture and queries give the same hits and facet counts."""

import pytest

from search.db_engine import DatabaseEngine
from search.es import ElasticsearchEngine
from search.query import InvalidSearch, SearchQuery
from tests.factories.search import township_uid
from tests.search.fixture import FAMILY

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]

CHISHANG = "10014060"
QUERIES = [
    SearchQuery(q=""),
    SearchQuery(q="台東"),
    SearchQuery(q="臺東"),
    SearchQuery(q="屏東 可可"),
    SearchQuery(q="可可", filters={"funding_type": ["subscription"]}),
    SearchQuery(q="", filters={"family": ["fixture"], "sector": ["agriculture", "food"]}),
    SearchQuery(q="", filters={"county": ["10014", "10013"], "sdg": ["8"]}),
    SearchQuery(q="茶", filters={"status": ["growth"]}),
    SearchQuery(q="", filters={"priority_area": ["false"], "county": ["09020"]}),
    SearchQuery(q="coffee"),
    SearchQuery(q="鄉 Township", filters={"county": ["10014"]}),
    SearchQuery(q="", filters={"township": ["10014050"]}),
]


def _both(query):
    # The corpus's families only: tests elsewhere in this process may have left documents of other families in
    # Elasticsearch (they roll back only the database), and the contract is about the corpus.
    query.families = query.families or ("townships", FAMILY)
    return DatabaseEngine().search(query), ElasticsearchEngine().search(query)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.q or '*'}|{q.filters}")
def test_same_hits_and_facet_counts(search_corpus, db, query):
    query.per_page = 50
    database, elasticsearch = _both(query)
    assert database.total == elasticsearch.total
    if database.total <= 50:
        assert {h["uid"] for h in database.hits} == {h["uid"] for h in elasticsearch.hits}
    assert database.facets == elasticsearch.facets


@pytest.mark.parametrize("sort", ["newest", "most_backed", "closest_to_goal"])
def test_same_order_for_the_deterministic_sorts(search_corpus, db, sort):
    query = SearchQuery(q="", sort=sort, filters={"family": ["fixture"]}, per_page=50)
    database, elasticsearch = _both(query)
    assert [h["uid"] for h in database.hits] == [h["uid"] for h in elasticsearch.hits]
    assert database.hits[0]["uid"] == {"newest": "fixture:p23", "most_backed": "fixture:p04"}.get(sort, "fixture:p26")


def test_nearest_sorts_by_distance_from_a_township(engine):
    result = engine.search(SearchQuery(q="", sort="nearest", near=CHISHANG, filters={"family": ["townships"]}))
    assert result.hits[0]["uid"] == township_uid(CHISHANG)
    assert result.hits[0]["distance_km"] == 0.0
    distances = [hit["distance_km"] for hit in result.hits]
    assert distances == sorted(distances)
    from places.models import Township
    from search.db_engine import haversine_km

    origin = Township.objects.get(code=CHISHANG)
    by_distance = sorted(
        Township.objects.all(),
        key=lambda t: haversine_km(origin.latitude, origin.longitude, t.latitude, t.longitude),
    )
    assert [h["uid"] for h in result.hits[:5]] == [f"townships:{t.pk}" for t in by_distance[:5]]


def test_nearest_with_an_unknown_township_is_refused(engine):
    with pytest.raises(InvalidSearch):
        engine.search(SearchQuery(q="", sort="nearest", near="99999999"))


def test_facets_combine_values_within_a_facet_and_count_with_the_other_filters(engine):
    one = engine.search(SearchQuery(q="", filters={"family": ["fixture"], "county": ["10014"]}))
    two = engine.search(SearchQuery(q="", filters={"family": ["fixture"], "county": ["10014", "10013"]}))
    assert two.total > one.total
    counties = dict(two.facets["county"])
    # The county facet ignores its own filter: every county keeps its count so a reader can add one.
    assert counties["10014"] == one.total and counties["09020"] == 1
    sectors = dict(two.facets["sector"])
    assert sum(sectors.values()) >= two.total


def test_pagination_splits_the_same_ordered_hits(engine):
    everything = engine.search(SearchQuery(q="臺東", per_page=50))
    first = engine.search(SearchQuery(q="臺東", per_page=7, page=1))
    second = engine.search(SearchQuery(q="臺東", per_page=7, page=2))
    assert first.total == everything.total and first.pages == -(-everything.total // 7)
    assert [h["uid"] for h in first.hits + second.hits] == [h["uid"] for h in everything.hits[:14]]


def test_drafts_are_never_public_but_can_be_included(engine):
    public = engine.search(SearchQuery(q="草稿", per_page=50))
    assert public.total == 0
    everything = engine.search(SearchQuery(q="草稿", per_page=50, include_private=True))
    assert {h["uid"] for h in everything.hits} == {"fixture:d01", "fixture:d02"}
    assert "d01" not in str(engine.autocomplete("草稿"))


def test_highlights_mark_the_query_in_both_spellings(engine):
    result = engine.search(SearchQuery(q="台東 香草"))
    assert result.hits[0]["title_html"] == "<mark>台東香草</mark>認養"


def test_a_query_in_simplified_chinese_finds_and_marks_what_the_traditional_one_does(engine):
    pairs = (("台东 香草", "台東 香草"), ("屏东 可可", "屏東 可可"), ("台东县池上乡", "臺東縣池上鄉"))
    for simplified, traditional in pairs:
        typed = engine.search(SearchQuery(q=simplified, per_page=50))
        expected = engine.search(SearchQuery(q=traditional, per_page=50))
        assert typed.total == expected.total > 0, simplified
        assert [h["uid"] for h in typed.hits] == [h["uid"] for h in expected.hits], simplified
        assert typed.corrected_q == "", simplified
    assert engine.search(SearchQuery(q="台东 香草")).hits[0]["title_html"] == "<mark>台東香草</mark>認養"


def test_a_chinese_typo_is_corrected_and_says_so(engine):
    # 池山 is in no document: one character away from the township name 池上, searched instead.
    result = engine.search(SearchQuery(q="臺東縣池山", per_page=50))
    assert result.corrected_q == "臺東縣 池上" and result.query.q == "臺東縣池山"
    assert {"fixture:p06", "fixture:p32", township_uid(CHISHANG)} <= {h["uid"] for h in result.hits}
    # A homophone typed with 注音 input: 非 (fei) for 啡.
    assert engine.search(SearchQuery(q="咖非")).corrected_q == "咖啡"


def test_a_misspelt_latin_word_is_corrected_and_finds_the_documents(engine):
    result = engine.search(SearchQuery(q="tilapai", per_page=50))
    assert result.corrected_q == "tilapia" and result.query.q == "tilapai"
    assert {h["uid"] for h in result.hits} == {h["uid"] for h in engine.search(SearchQuery(q="tilapia")).hits}
    assert "<mark>" in result.hits[0]["summary_html"] + result.hits[0]["title_html"] + result.hits[0]["title_en_html"]
    # A word the index holds is never "corrected", even when a more frequent word is one edit away.
    assert engine.search(SearchQuery(q="coffee")).corrected_q == ""


def test_a_query_without_hits_and_without_a_close_word_suggests_a_looser_query(engine):
    result = engine.search(SearchQuery(q="池上 火星基地"))
    assert result.total == 0
    assert result.suggestion == "池上"
    assert engine.search(SearchQuery(q=result.suggestion)).total > 0


@pytest.mark.parametrize("typed", ["tilapa", "cacoa", "cocao", "kouhou", "Chisahng", "meinogn", "coffe", "oystre"])
def test_misspelt_words_give_the_same_hits_in_both_engines(search_corpus, db, typed):
    database, elasticsearch = _both(SearchQuery(q=typed, per_page=50))
    assert database.corrected_q == elasticsearch.corrected_q != ""
    assert database.total == elasticsearch.total > 0
    assert {h["uid"] for h in database.hits} == {h["uid"] for h in elasticsearch.hits}
    assert database.facets == elasticsearch.facets


def test_autocomplete_completes_prefixes_in_chinese_and_english(engine):
    assert {s["uid"] for s in engine.autocomplete("池上")} >= {township_uid(CHISHANG), "fixture:p06"}
    assert township_uid("10009190") in {s["uid"] for s in engine.autocomplete("kou")}
    assert "fixture:p03" in {s["uid"] for s in engine.autocomplete("台東香")}


def test_autocomplete_completes_a_word_inside_an_english_title(engine):
    # "Pingtung cocoa farm": a reader of the English page types the word they remember, not the first one.
    assert "fixture:p01" in {s["uid"] for s in engine.autocomplete("coc")}
    assert "fixture:p01" not in {s["uid"] for s in engine.autocomplete("farmer")}


def test_autocomplete_gives_the_same_documents_in_both_engines(search_corpus, db):
    for prefix in ("池", "屏東", "kou", "臺東縣", "tilapia", "coc", "far"):
        database = {s["uid"] for s in DatabaseEngine().autocomplete(prefix, size=50)}
        elasticsearch = {s["uid"] for s in ElasticsearchEngine().autocomplete(prefix, size=50)}
        assert database == elasticsearch, prefix


@pytest.mark.parametrize(
    "typed",
    ["Chih-shang", "Ch'ih-shang", "chih shang", "Chíshàng", "Chi2shang4", "Chishang Township", "Chihshang Hsiang"],
)
def test_a_township_in_another_romanization_finds_its_documents(engine, typed):
    # The township data writes 池上 "Chishang"; Wade-Giles, hyphens, tone marks and a level word name it too.
    wanted = {h["uid"] for h in engine.search(SearchQuery(q="池上", per_page=50)).hits}
    wanted |= {h["uid"] for h in engine.search(SearchQuery(q="Chishang", per_page=50)).hits}
    result = engine.search(SearchQuery(q=typed, per_page=50))
    assert {h["uid"] for h in result.hits} == wanted and township_uid(CHISHANG) in wanted
    assert result.corrected_q == ""
    assert {(e["to"], e["kind"]) for e in result.expansions} >= {("池上", "romanization")}


def test_a_county_in_hanyu_pinyin_is_not_corrected_to_another_place(engine):
    # The data writes 臺東 "Taitung" and 高雄 "Kaohsiung"; "Tai-tung" was "corrected" to "tai tuna", "Gaoxiong" to
    # 國姓 (Guoxing), a township in another county.
    for typed, county in (("Tai-tung", "10014"), ("Taidong", "10014"), ("Gaoxiong", "64000"), ("T'ai-tung", "10014")):
        result = engine.search(SearchQuery(q=typed, per_page=50, families=("townships",)))
        assert result.corrected_q == "", typed
        assert result.total > 1 and [value for value, _count in result.facets["county"]] == [county], typed
