"""The JSON API and the search page, through Django's test client."""

import pytest

from search.db_engine import DatabaseEngine
from search.es import ElasticsearchEngine
from search.query import SearchQuery
from tests.search.fixture import XSS_TITLE, fixture_documents

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]


def test_api_answers_with_hits_facets_and_pages(search_corpus, db, client):
    response = client.get("/api/search/", {"q": "台東", "kind": "townships", "per_page": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 16 and data["pages"] == 4 and len(data["hits"]) == 5
    assert data["engine"] == "elasticsearch" and data["incomplete"] is False
    assert data["facets"]["county"] == [{"value": "10014", "count": 16}]
    assert data["hits"][0]["title_html"].startswith("<mark>臺東</mark>縣")


def test_api_combines_facet_values(search_corpus, db, client):
    data = client.get("/api/search/?kind=fixture&county=10014,10013&sector=agriculture").json()
    counties = {item["display"]["county"] for item in data["hits"]}
    assert counties == {"10014", "10013"} and data["total"] == 6


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"q": "x", "owner": "me"}, "Unknown parameter: owner"),
        ({"sort": "price"}, "Unknown sort: price"),
        ({"sort": "nearest"}, "needs a township"),
        ({"sort": "nearest", "near": "99999999"}, "Unknown township: 99999999"),
        ({"page": "two"}, "page must be a whole number"),
        ({"per_page": "500"}, "per_page must be between 1 and 50"),
        ({"page": "501"}, "page must be between 1 and 500"),
        ({"page": "201", "per_page": "50"}, "page must be between 1 and 200"),
        ({"kind": "secrets"}, "Unknown kind: secrets"),
        ({"priority_area": "maybe"}, "priority_area must be true or false"),
        ({"q": "長" * 201}, "too long"),
    ],
)
def test_api_refuses_bad_parameters_with_a_reason(search_corpus, db, client, params, reason):
    response = client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_the_pages_counted_stop_at_the_deepest_page_one_may_ask_for():
    from search.query import SearchQuery, SearchResult

    result = SearchResult(hits=[], total=25_000, facets={}, query=SearchQuery(per_page=50), engine="elasticsearch")

    assert result.pages == 200


def test_the_deepest_page_allowed_is_answered_by_elasticsearch_not_the_fallback(search_corpus, db, client):
    data = client.get("/api/search/", {"page": "200", "per_page": "50"}).json()

    assert data["engine"] == "elasticsearch" and data["incomplete"] is False
    assert data["page"] == 200 and data["hits"] == []


def test_the_pages_ignore_parameters_that_are_not_search_parameters(search_corpus, db, client):
    """A search link shared on a social network or in a newsletter comes back with fbclid or utm_* added: the page
    answered 400 "Unknown parameter" instead of the results. The API stays strict."""
    params = {"q": "台東", "kind": "townships", "fbclid": "IwAR0abc", "utm_source": "newsletter"}

    page = client.get("/en/search/", params)
    assert page.status_code == 200
    assert "Unknown parameter" not in page.content.decode() and "Taitung" in page.content.decode()
    assert client.get("/en/search/map/", params).status_code == 200
    assert client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en").status_code == 400


@pytest.mark.parametrize("params", [{"q": "魚\x00"}, {"county": "\x00"}, {"sector": "agri\x00culture"}])
def test_a_nul_character_is_refused_with_a_reason_whichever_engine_answers(search_corpus, db, client, settings, params):
    """PostgreSQL refuses NUL in any text: the database engine (the embedded default, and the fallback when
    Elasticsearch is down) answered 500."""
    for url in (settings.HOMEWARD_SEARCH["ELASTICSEARCH_URL"], "http://127.0.0.1:9"):
        settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ELASTICSEARCH_URL": url}
        response = client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "cannot be searched" in response.json()["error"]
        response = client.get("/en/search/", params)
        assert response.status_code == 400 and "cannot be searched" in response.content.decode()
        assert client.get("/en/search/map/", params).status_code == 400
    response = client.get("/api/search/autocomplete/", {"q": "池\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "cannot be searched" in response.json()["error"]


def test_api_reasons_are_in_the_readers_language(search_corpus, db, client):
    response = client.get("/api/search/", {"sort": "price"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.json()["error"] == "不明的排序方式：price。"


def test_autocomplete_api(search_corpus, db, client):
    data = client.get("/api/search/autocomplete/", {"q": "池上"}).json()
    assert "臺東縣池上鄉" in [item["title"] for item in data["suggestions"]]
    # Typed in Simplified characters, the prefix completes as its Traditional form does.
    simplified = client.get("/api/search/autocomplete/", {"q": "台东县池"}).json()
    assert "臺東縣池上鄉" in [item["title"] for item in simplified["suggestions"]]


def test_search_page_lists_results_facets_and_pagination(search_corpus, db, client):
    response = client.get("/zh-hant/search/", {"q": "臺東", "per_page": 5})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and '<label for="search-q">' in html
    assert "<mark>臺東</mark>" in html
    assert 'name="county" value="10014"' in html and '臺東縣 <span class="facet-count">(' in html
    assert 'aria-current="page"' in html


def test_search_page_empty_state_offers_a_suggestion_townships_and_a_sector(search_corpus, db, client):
    html = client.get("/en/search/", {"q": "池上 火星基地"}).content.decode()
    assert "Nothing matches “池上 火星基地”." in html
    assert '<a href="?q=%E6%B1%A0%E4%B8%8A">池上</a>' in html  # did you mean 池上
    assert "?township=10014060" in html and "Chishang Township, Taitung County" in html
    assert "?sector=agriculture" in html


@pytest.mark.parametrize("q", ["***", "、。「」", "<>~"])
def test_a_query_of_only_symbols_says_everything_is_listed_and_what_to_try(search_corpus, db, client, q):
    response = client.get("/en/search/", {"q": q})
    html = response.content.decode()
    assert response.status_code == 200
    assert "has no words to search for, so everything is listed below." in html
    assert "Try the name of a place, a crop or a project." in html
    assert "<>~" not in html  # the query is shown escaped


def test_a_query_with_words_does_not_say_it_has_none(search_corpus, db, client):
    html = client.get("/en/search/", {"q": "臺東 ***"}).content.decode()
    assert "has no words to search for" not in html


def test_a_filter_that_leaves_nothing_stays_on_the_page_to_be_taken_off(search_corpus, db, client):
    # 臺東 in Pingtung County: no result holds the county, so its facet had no row and the filter was invisible
    # (and dropped by the next "Apply filters"). It stays listed, checked, with its count of 0.
    html = client.get("/en/search/", {"q": "臺東", "county": "10013", "kind": "townships"}).content.decode()
    assert "Nothing matches “臺東”." in html
    assert 'name="county" value="10013" checked' in html
    assert 'Pingtung County <span class="facet-count">(0)</span>' in html
    assert 'name="county" value="10014"' in html  # the county the query is in, to choose instead


def test_a_page_past_the_last_one_says_so_and_links_to_the_last_page(search_corpus, db, client):
    # 16 townships hold 臺東: 4 pages of 5. Page 99 said "16 results" and "Nothing matches your search." at once.
    html = client.get("/en/search/", {"q": "臺東", "kind": "townships", "per_page": 5, "page": 99}).content.decode()
    assert "Nothing matches your search." not in html
    assert "These results have no page 99." in html
    assert "page=4" in html and "Go to the last page of the results" in html


def test_a_misspelt_word_is_corrected_on_the_page_and_in_the_api(search_corpus, db, client):
    data = client.get("/api/search/", {"q": "tilapa"}).json()
    assert data["corrected_q"] == "tilapia" and data["total"] >= 1
    html = client.get("/en/search/", {"q": "tilapa"}).content.decode()
    assert "Showing results for “tilapia” (spelling corrected)." in html
    assert 'value="tilapa"' in html  # the box keeps what the reader typed
    html = client.get("/zh-hant/search/", {"q": "tilapa"}).content.decode()
    assert "以下是「tilapia」的結果" in html


def test_search_page_shows_a_bad_filter_as_a_message(search_corpus, db, client):
    response = client.get("/en/search/", {"sort": "price"})
    assert response.status_code == 400
    assert "Unknown sort: price" in response.content.decode()


def test_search_page_says_results_may_be_incomplete_when_elasticsearch_is_down(search_corpus, db, client, settings):
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    response = client.get("/en/search/", {"q": "池上"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "results may be incomplete" in html
    assert "<mark>池上</mark>" in html
    assert client.get("/api/search/", {"q": "池上"}).json()["incomplete"] is True


def test_a_hung_elasticsearch_costs_the_search_page_at_most_two_seconds(search_corpus, db, client, settings):
    """#17 fault test: a socket that accepts and never answers; production's timeout (1 s), then the database."""
    import time

    from search import engines
    from tests.helpers import hung_server

    with hung_server() as (host, port):
        settings.HOMEWARD_SEARCH = {
            **settings.HOMEWARD_SEARCH,
            "ELASTICSEARCH_URL": f"http://{host}:{port}",
            "TIMEOUT_SECONDS": 1,
        }
        engines._elasticsearch_client.cache_clear()
        started = time.perf_counter()
        response = client.get("/en/search/", {"q": "池上"})
        seconds = time.perf_counter() - started
    engines._elasticsearch_client.cache_clear()
    assert response.status_code == 200 and seconds < 2
    html = response.content.decode()
    assert "results may be incomplete" in html and "<mark>池上</mark>" in html


@pytest.fixture
def malicious_document(search_corpus, db):
    """A fixture document whose title and summary carry markup (test data)."""
    row = ("x01", XSS_TITLE, "<b>bold</b>", '"><svg onload=alert(2)>屏東', "10013130", ["food"], ["donation"], [1])
    row += ("funding", 1, 1, 2, True)
    document = fixture_documents(extra=[row])[-1]
    for engine in (DatabaseEngine(), ElasticsearchEngine()):
        engine.index_documents([document])
    ElasticsearchEngine().refresh("fixture")
    yield document
    for engine in (DatabaseEngine(), ElasticsearchEngine()):
        engine.delete_documents("fixture", ["x01"])
    ElasticsearchEngine().refresh("fixture")


def test_highlights_escape_a_malicious_title(malicious_document, client):
    for engine in (DatabaseEngine(), ElasticsearchEngine()):
        from search.query import SearchQuery

        hit = next(h for h in engine.search(SearchQuery(q="屏東可可", per_page=50)).hits if h["object_id"] == "x01")
        assert "<script" not in hit["title_html"] and "<img" not in hit["title_html"]
        assert "&lt;script&gt;" in hit["title_html"] and "<mark>屏東可可</mark>" in hit["title_html"]
        assert "<svg" not in hit["summary_html"]
    html = client.get("/zh-hant/search/", {"q": "屏東可可"}).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html and "<img src=x" not in html and "<svg onload" not in html


def test_facet_labels_are_words_in_the_pages_language(db):
    from types import SimpleNamespace

    from django.utils import translation

    from cms.models import Sector
    from search.presentation import facet_groups

    Sector.objects.create(slug="test-agri", name_zh="農業", name_en="Agriculture", name_ja="農業")
    facets = {
        "sector": [("test-agri", 3)],
        "sdg": [("2", 2), ("12", 1)],
        "funding_type": [("donation", 2), ("subscription", 1), ("investment", 1)],
        "status": [("prototype", 1), ("verified", 1)],
    }
    result, query = SimpleNamespace(facets=facets), SimpleNamespace(filters={})
    for language in ("zh-hant", "en", "ja"):
        with translation.override(language):
            groups = {g["name"]: {v["value"]: v["label"] for v in g["values"]} for g in facet_groups(result, query)}
        for name, labels in groups.items():
            if language != "en" or name != "status":  # "prototype" is its own English word
                assert all(label != value for value, label in labels.items()), (language, name, labels)
        if language == "en":
            assert groups["sector"] == {"test-agri": "Agriculture"}
            assert groups["sdg"]["2"] == "2 Zero Hunger"
            assert groups["funding_type"]["donation"] == "Donation"
        if language == "zh-hant":
            assert groups["sector"] == {"test-agri": "農業"} and groups["funding_type"]["subscription"] == "訂閱"


@pytest.mark.redis
@pytest.mark.usefixtures("page_cache_on")
def test_facet_labels_are_read_once_per_language_and_follow_a_renamed_sector(db, townships, django_assert_num_queries):
    """With the page cache on, each catalogue facet's labels are one query per language and site generation; a
    sector saved in the admin is named anew at once."""
    from types import SimpleNamespace

    from django.utils import translation

    from cms.models import Sector
    from search.presentation import facet_groups

    sector = Sector.objects.create(slug="test-agri", name_zh="農業", name_en="Agriculture", name_ja="農業")
    facets = {"sector": [("test-agri", 3)], "county": [("10014", 2)], "township": [("10014030", 2)]}
    result, query = SimpleNamespace(facets=facets), SimpleNamespace(filters={})

    def labels(language):
        with translation.override(language):
            return {g["name"]: {v["value"]: v["label"] for v in g["values"]} for g in facet_groups(result, query)}

    with django_assert_num_queries(3):
        assert labels("en") == {
            "sector": {"test-agri": "Agriculture"},
            "county": {"10014": "Taitung County"},
            "township": {"10014030": "Guanshan Township, Taitung County"},
        }
    with django_assert_num_queries(0):
        assert labels("en")["sector"] == {"test-agri": "Agriculture"}
    with django_assert_num_queries(3):
        assert labels("zh-hant")["township"] == {"10014030": "臺東縣關山鎮"}

    sector.name_en = "Farming"
    sector.save()
    assert labels("en")["sector"] == {"test-agri": "Farming"}
    assert labels("en")["county"] == {"10014": "Taitung County"}


def test_nearest_is_chosen_by_township_name_and_defaults_to_the_home_township(search_corpus, townships, db, client):
    from places.models import Township
    from tests.factories.accounts import UserFactory

    html = client.get("/zh-hant/search/").content.decode()
    assert '<select id="search-near" name="near">' in html
    assert '<option value="10014030">關山鎮</option>' in html, "townships by name, grouped by county"

    client.force_login(UserFactory(home_township=Township.objects.get(code="10014030")))
    response = client.get("/zh-hant/search/", {"sort": "nearest"})
    assert response.status_code == 200
    assert '<option value="10014030" selected>' in response.content.decode()

    chosen = client.get("/zh-hant/search/", {"sort": "nearest", "near": "10008040"}).content.decode()
    near = chosen[
        chosen.index('<select id="search-near"') : chosen.index("</select>", chosen.index('id="search-near"'))
    ]
    assert near.count(" selected>") == 1 and '<option value="10008040" selected>' in near
    # A value that is no township code marks nothing and reaches the page only escaped.
    odd = client.get("/zh-hant/search/", {"sort": "nearest", "near": '"><b>x</b>'}).content.decode()
    assert "<b>x</b>" not in odd


def test_nearest_without_a_township_sorts_by_relevance_and_asks_for_one(search_corpus, db, client):
    response = client.get("/en/search/", {"q": "臺東", "sort": "nearest"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "To sort by distance, choose a township under “Nearest to”." in html
    assert "<mark>臺東</mark>" in html  # the results are there, by relevance
    assert '<option value="relevance" selected>' in html
    # The API keeps refusing with its reason.
    assert client.get("/api/search/", {"sort": "nearest"}).status_code == 400


@pytest.mark.parametrize(
    ("language", "stage", "verified"), [("zh-hant", "初期營收", "已認證"), ("en", "Early revenue", "Verified")]
)
def test_status_facet_values_are_named_in_the_readers_language(language, stage, verified):
    from types import SimpleNamespace

    from django.utils import translation

    from search.presentation import facet_groups

    result = SimpleNamespace(facets={"status": [("early_revenue", 2), ("verified", 1)]})
    with translation.override(language):
        (group,) = facet_groups(result, SimpleNamespace(filters={}))
    assert [value["label"] for value in group["values"]] == [stage, verified]


def test_an_expansion_marks_each_word_with_its_language():
    from django.utils import translation

    from search.presentation import expansion_text

    with translation.override("en"):
        text = expansion_text({"from": "cocoa", "to": "可可", "kind": "synonym"})
        japanese = expansion_text({"from": "<cocoa>", "to": "カカオ", "kind": "synonym"})
    assert str(text) == '<span lang="zh-Hant-TW">可可</span> (synonym of “<span lang="en">cocoa</span>”)'
    assert '<span lang="ja">カカオ</span>' in japanese and "&lt;cocoa&gt;" in japanese


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
@pytest.mark.parametrize("q", ["いちご", "いちごの農園", "いちご 苗栗"])
def test_a_hiragana_word_ending_like_an_honorific_keeps_its_last_character(
    search_corpus, db, client, settings, engine_name, q
):
    """ご and お are honorific prefixes only before the word they honour (ご飯, お茶): いちご (strawberry) was
    searched as いち, りんご as りん, and かかお lost every character, so the page listed every document."""
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    data = client.get("/api/search/", {"q": q, "kind": "fixture"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    assert data["engine"] == engine_name and not data["incomplete"]
    assert [hit["object_id"] for hit in data["hits"]][:1] == ["p18"]  # 大湖草莓友善耕作, through the synonym 草莓
    html = client.get("/ja/search/", {"q": q, "kind": "fixture"}).content.decode()
    assert "<mark>草莓</mark>" in html and "has no words to search for" not in html


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_a_hiragana_word_made_of_particle_characters_is_still_searched(
    search_corpus, db, client, settings, engine_name
):
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    everything = client.get("/api/search/", {"kind": "fixture"}).json()["total"]
    cacao = client.get("/api/search/", {"q": "かかお", "kind": "fixture"}).json()
    assert 0 < cacao["total"] < everything  # カカオ → 可可 (synonym): the cocoa documents, not the whole list
    assert all("可可" in hit["title_html"] or "可可" in hit["summary_html"] for hit in cacao["hits"])


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_an_empty_page_names_the_query_and_links_to_wider_searches(search_corpus, db, client, settings, engine_name):
    """The empty state said only "Nothing matches your search." and "Try fewer words…", with no link on: the words
    searched were not named and the filters had to be unticked one by one."""
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    filtered = client.get("/en/search/", {"q": "臺東 <b>", "county": "10013", "kind": "townships"})
    html = filtered.content.decode()
    assert filtered.status_code == 200 and "0 results for “臺東 &lt;b&gt;”" in html
    assert "Nothing matches “臺東 &lt;b&gt;”." in html
    assert '<a href="?q=%E8%87%BA%E6%9D%B1+%3Cb%3E">Search for “臺東 &lt;b&gt;” without the filters</a>' in html
    assert '<a href="?kind=projects">Browse every project</a>' in html
    unfiltered = client.get("/en/search/", {"q": "臺東 <b>"}).content.decode()
    assert "results for “臺東 &lt;b&gt;”" in unfiltered and "Nothing matches" not in unfiltered
    assert "without the filters" not in unfiltered and "Browse every project" not in unfiltered

    words_only = client.get("/ja/search/", {"q": "火星基地の宇宙船"}).content.decode()
    assert "「火星基地の宇宙船」に一致する結果はありません。" in words_only
    assert "すべてのプロジェクトを見る" in words_only and "絞り込みを外して「" not in words_only
    filters_only = client.get("/zh-hant/search/", {"county": "10013", "kind": "townships", "sector": "none"})
    html = filters_only.content.decode()
    assert "沒有符合搜尋的結果。" in html and '<a href="?">移除所有篩選條件</a>' in html
    assert "瀏覽所有專案" not in html


@pytest.mark.parametrize(
    ("params", "language", "reason", "code"),
    [
        (
            {"q": "臺東", "page": "abc"},
            "ja",
            "この検索にそのページはありません。ページ番号は 1 から 500 までの整数です。",
            "page",
        ),
        ({"q": "臺東", "page": "-1"}, "zh-hant", "這個搜尋沒有這一頁：頁碼必須是 1 到 500 的整數。", "page"),
        ({"per_page": "0"}, "en", "The number of results per page must be from 1 to 50.", "per_page"),
        ({"near": "25.03,121.56"}, "ja", "「距離の基準となる郷鎮」の一覧から郷鎮を選んでください。", "near"),
        ({"priority_area": "maybe"}, "en", "The filter “Priority area” has a value it does not know.", "priority_area"),
        ({"county": ",".join(["1"] * 21)}, "zh-hant", "篩選條件「縣市」的值太多或太長。", "county"),
        ({"kind": "projects\x00"}, "en", "The filter “Kind” contains a character that cannot be searched.", "kind"),
        ({"q": "魚\x00"}, "ja", "検索語に検索できない文字が含まれています。", "q"),
    ],
)
def test_the_page_names_a_refused_field_in_words_and_the_api_by_its_parameter(
    search_corpus, db, client, params, language, reason, code
):
    """A hand-edited address (page=abc, a negative page, a bad filter) showed the API's reason on the page, with the
    parameter's code as its subject: "page は整数で指定してください。", "county 的值太多或太長。"."""
    response = client.get(f"/{language}/search/", params)
    html = response.content.decode()
    assert response.status_code == 400 and f'role="alert">{reason}</p>' in html
    assert f'role="alert">{code} ' not in html and f'value="{params.get("q", "")}"' in html  # the query kept
    map_page = client.get(f"/{language}/search/map/", params).content.decode()
    assert reason in map_page
    api = client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert code in api["error"]  # the API keeps naming its parameters


def test_autocomplete_answers_in_the_language_of_the_page_that_asks(search_corpus, db, client):
    """The API's address has no language prefix: a zh-hant page in an English browser was answered in English
    (titles, kind labels, links). The search boxes send their page's language."""
    for language in ("zh-hant", "ja"):
        html = client.get(f"/{language}/search/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html.count(f'data-autocomplete-lang="{language}"') == 2  # the site header's box and the page's
    asked = {"q": "臺東縣池", "lang": "zh-hant"}
    chinese = client.get("/api/search/autocomplete/", asked, HTTP_ACCEPT_LANGUAGE="en").json()["suggestions"]
    english = client.get("/api/search/autocomplete/", {"q": "臺東縣池"}, HTTP_ACCEPT_LANGUAGE="en").json()[
        "suggestions"
    ]
    chishang = [s for s in chinese if s["family"] == "townships" and "池上" in s["title"]]
    assert chishang and chishang[0]["title"] == "臺東縣池上鄉" and chishang[0]["family_label"] == "鄉鎮市區"
    assert "Chishang Township, Taitung County" in [s["title"] for s in english]
    refused = client.get("/api/search/autocomplete/", {"q": "池", "lang": "xx"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 400 and refused.json()["error"] == "不明な言語：xx。"


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
@pytest.mark.parametrize("q", ["1; DROP TABLE users", "<script>alert(1)</script>"])
def test_junk_gets_no_did_you_mean(search_corpus, db, client, settings, engine_name, q):
    """ "Did you mean 1?" after `1; DROP TABLE users`: the first looser query with hits was offered, whatever it
    dropped. A suggestion now drops only words no document holds and keeps a word and a third of the query."""
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    data = client.get("/api/search/", {"q": q}).json()
    assert (data["total"], data["suggestion"]) == (0, "")
    html = client.get("/en/search/", {"q": q}).content.decode()
    assert "Nothing matches" in html and "Did you mean" not in html


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_a_real_correction_is_still_suggested_with_the_unknown_words_named(
    search_corpus, db, client, settings, engine_name
):
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    data = client.get("/api/search/", {"q": "池上 火星基地"}).json()
    assert (data["suggestion"], data["unknown_words"]) == ("池上", ["火星", "基地"])
    html = client.get("/en/search/", {"q": "池上 火星基地"}).content.decode()
    assert '<a href="?q=%E6%B1%A0%E4%B8%8A">池上</a>' in html
    assert "No result contains the words “火星”, “基地”: check their spelling or try other words." in html
    assert "fewer" not in html and "filter" not in html.split("empty-state", 1)[1]


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_the_advice_on_an_empty_page_fits_the_search(search_corpus, db, client, settings, engine_name):
    """One sentence, "Try fewer words, another spelling, or remove a filter.", was given to every empty search: a
    one-word search without filters was told to remove a filter and use fewer words."""
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}

    def advice(language, **params):
        html = client.get(f"/{language}/search/", params).content.decode()
        assert "Try fewer words, another spelling" not in html
        empty_state = html.split('class="empty-state"', 1)[1].split("</div>", 1)[0]
        return [paragraph.split("</p>", 1)[0] for paragraph in empty_state.split("<p>")[1:]]

    one_unknown_word = advice("en", q="zzzqqxv")
    assert "No result contains the word “zzzqqxv”: check its spelling or try another word." in one_unknown_word
    assert not [line for line in one_unknown_word if "fewer" in line or "filter" in line]
    # Words that documents hold, but never together, and no spelling to check.
    known_words = advice("zh-hant", q="池上 tilapia 咖啡 花蓮")
    assert "沒有結果同時含有這些字詞：請試試減少字詞。" in known_words
    assert not [line for line in known_words if "寫法" in line or "篩選" in line]
    filtered = advice("ja", q="zzzqqxv", county="10013")
    assert "「zzzqqxv」を含む結果はありません。表記を確かめるか、別の語を試してください。" in filtered
    assert "絞り込みを外してみてください。" in filtered
    assert "絞り込みを外してみてください。" in advice("ja", county="10013", sector="none")


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_suggestions_read_hiragana_and_its_synonyms_as_the_search_does(search_corpus, db, settings, engine_name):
    """ここあ found the cocoa documents (katakana ココア, a synonym of 可可) while the suggestions stayed empty."""
    from search import engines

    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    found = {hit["uid"] for hit in engines.search(SearchQuery(q="ここあ", per_page=50)).hits}
    suggested = {s["uid"] for s in engines.autocomplete("ここあ", families_=("fixture",))}
    assert suggested and suggested <= found
    assert suggested <= {s["uid"] for s in engines.autocomplete("可可", families_=("fixture",))}
    assert engines.autocomplete("ゔぁ", families_=("fixture",)) == []  # converted, still nothing: no guess
