"""Search in every language (#15): translated titles and summaries are indexed with their original, English words
are found in their other forms, and every result and suggestion links to the page in the reader's language."""

import pytest
from wagtail.models import Page

from cms.actions import ensure_language_versions
from search.planner import english_forms, english_stem, plan_query
from search.query import SearchQuery
from tests.factories.search import GUANSHAN, content_engines, indexed_enterprise, publish_indexed_project
from tests.helpers import translation_of

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]


def in_language(page, code):
    return Page.objects.get(translation_key=page.translation_key, locale__language_code=code).specific


@pytest.fixture
def rice_canteen(content_site, django_capture_on_commit_callbacks):
    """A project written in Chinese, translated into English; Japanese has only the alias of the original."""
    page = publish_indexed_project(
        "關山有機米食堂", GUANSHAN, django_capture_on_commit_callbacks, summary="返鄉青年用在地稻米"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ensure_language_versions()
        english = translation_of(page, "en")
        english.title, english.summary = "Guanshan organic rice canteen", "Returning youth cook local rice"
        english.save_revision().publish()
    return page


def test_english_words_have_their_other_forms():
    assert english_stem("canteens") == "canteen" and english_stem("berries") == "berry"
    assert english_stem("farming") == "farm" and english_stem("shopping") == "shop"
    assert english_stem("rice") == "rice" and english_stem("glass") == "glass"
    assert "canteen" in english_forms("canteens") and "farming" in english_forms("farm")
    assert "canteens" not in english_forms("canteens")


def test_an_english_query_finds_the_chinese_project_through_its_translation(rice_canteen):
    for engine in content_engines():
        result = engine.search(SearchQuery(q="organic rice canteen", filters={"family": ["projects"]}))
        assert [hit["object_id"] for hit in result.hits] == [str(rice_canteen.pk)], engine.name


def test_english_plurals_and_inflections_find_the_word_as_written(rice_canteen):
    plan = plan_query("canteens")
    assert [a.text for a in plan.concepts[0].alternatives] == ["canteens", "canteen"]
    assert plan.corrected == ""  # another form is no typo
    for engine in content_engines():
        for q in ("canteens", "organic canteens"):
            result = engine.search(SearchQuery(q=q, filters={"family": ["projects"]}))
            assert [hit["object_id"] for hit in result.hits] == [str(rice_canteen.pk)], (engine.name, q)


def test_search_page_links_to_the_page_in_the_readers_language(rice_canteen, client):
    content_engines()  # refreshes the indexes: what was just written is searchable
    english, japanese = in_language(rice_canteen, "en"), in_language(rice_canteen, "ja")
    assert japanese.alias_of_id == rice_canteen.pk

    html = client.get("/en/search/", {"q": "關山 米食"}).content.decode()
    assert f'<h3 lang="en"><a href="{english.url}">' in html
    assert "Guanshan organic rice canteen" in html and rice_canteen.url not in html

    html = client.get("/ja/search/", {"q": "關山 米食"}).content.decode()
    # Untranslated into Japanese: the alias under /ja/, the Chinese title marked as Chinese.
    assert f'<h3 lang="zh-Hant-TW"><a href="{japanese.url}">' in html
    assert rice_canteen.url not in html

    html = client.get("/zh-hant/search/", {"q": "關山 米食"}).content.decode()
    assert f'<h3 lang="zh-Hant-TW"><a href="{rice_canteen.url}">' in html


def test_api_hits_follow_the_readers_language(rice_canteen, client):
    content_engines()
    data = client.get("/api/search/", {"q": "rice canteen", "kind": "projects"}, HTTP_ACCEPT_LANGUAGE="en").json()
    [hit] = data["hits"]
    assert hit["display"]["url"] == in_language(rice_canteen, "en").url
    assert hit["display"]["title"] == "Guanshan organic rice canteen" and hit["display"]["lang"] == "en"
    assert "<mark>" in hit["title_html"] and "關山" not in hit["title_html"]


def test_a_japanese_title_is_searchable_and_suggested(rice_canteen, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        japanese = translation_of(rice_canteen, "ja")
        japanese.title, japanese.summary = "関山オーガニック米食堂", "Uターンの若者が地元の米を"
        japanese.save_revision().publish()
    for engine in content_engines():
        result = engine.search(SearchQuery(q="オーガニック", filters={"family": ["projects"]}))
        assert [hit["object_id"] for hit in result.hits] == [str(rice_canteen.pk)], engine.name
        suggestions = engine.autocomplete("関山オーガ", families_=("projects",))
        assert [s["uid"] for s in suggestions] == [f"projects:{rice_canteen.pk}"], engine.name
        assert suggestions[0]["title_ja"] == "関山オーガニック米食堂"

    data = client.get("/api/search/autocomplete/", {"q": "関山オーガ"}, HTTP_ACCEPT_LANGUAGE="ja").json()
    [suggestion] = [s for s in data["suggestions"] if s["family"] == "projects"]
    assert suggestion == {
        **suggestion,
        "title": "関山オーガニック米食堂",
        "url": in_language(rice_canteen, "ja").url,
        "lang": "ja",
    }
    data = client.get("/api/search/autocomplete/", {"q": "guanshan organic"}, HTTP_ACCEPT_LANGUAGE="en").json()
    [suggestion] = [s for s in data["suggestions"] if s["family"] == "projects"]
    assert (suggestion["title"], suggestion["lang"]) == ("Guanshan organic rice canteen", "en")


def test_a_word_typed_in_hiragana_finds_its_katakana_form(rice_canteen, client, django_capture_on_commit_callbacks):
    """An input method shows a Japanese word in hiragana until it is converted, and many people search in it:
    おーがにっく found nothing, though the Japanese title holds オーガニック (one token per katakana run, one per
    hiragana character)."""
    with django_capture_on_commit_callbacks(execute=True):
        japanese = translation_of(rice_canteen, "ja")
        japanese.title, japanese.summary = "関山オーガニック米食堂", "Uターンの若者が地元の米を"
        japanese.save_revision().publish()
    plan = plan_query("おーがにっくの米")
    assert [a.text for a in plan.concepts[0].alternatives][:2] == ["おーがにっく", "オーガニック"]  # then its synonyms
    assert [a.text for a in plan_query("米").concepts[0].alternatives][:1] == ["米"]  # nothing to convert
    for engine in content_engines():
        result = engine.search(SearchQuery(q="おーがにっく", filters={"family": ["projects"]}))
        assert [hit["object_id"] for hit in result.hits] == [str(rice_canteen.pk)], engine.name

    page = client.get("/ja/search/", {"q": "おーがにっく", "kind": "projects"}).content.decode()
    assert "関山<mark>オーガニック</mark>米食堂" in page
    assert '「<span lang="ja">おーがにっく</span>」のカタカナ表記' in page


@pytest.mark.parametrize("engine_name", ["database", "elasticsearch"])
def test_suggestions_convert_hiragana_as_the_search_does(
    rice_canteen, client, settings, django_capture_on_commit_callbacks, engine_name
):
    """The search turned おーがにっく into オーガニック and found the project, while the list of suggestions under the
    box stayed empty for the same letters: autocomplete now completes the katakana form too, after the typed one."""
    with django_capture_on_commit_callbacks(execute=True):
        japanese = translation_of(rice_canteen, "ja")
        japanese.title, japanese.summary = "関山オーガニック米食堂", "Uターンの若者が地元の米を"
        japanese.save_revision().publish()
    content_engines()
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine_name}
    for typed in ("関山おーが", "関山おーがにっく"):
        data = client.get("/api/search/autocomplete/", {"q": typed, "lang": "ja"}).json()
        assert [(s["uid"], s["title"]) for s in data["suggestions"] if s["family"] == "projects"] == [
            (f"projects:{rice_canteen.pk}", "関山オーガニック米食堂")
        ], typed
    assert client.get("/api/search/", {"q": "関山おーがにっく", "kind": "projects"}).json()["total"] == 1


def test_townships_and_enterprises_link_in_the_readers_language(
    content_site, client, django_capture_on_commit_callbacks
):
    from cms.actions import township_page_for
    from places.models import Township

    township_page = township_page_for(Township.objects.get(code=GUANSHAN))
    profile = indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米")
    content_engines()
    html = client.get("/ja/search/", {"q": "米倉", "kind": "enterprises"}).content.decode()
    assert f'href="/ja/enterprises/{profile.organisation.slug}/"' in html
    assert "/zh-hant/enterprises/" not in html
    assert "台東県関山鎮" in html and "臺東縣關山鎮" not in html  # the place line in Japanese

    with django_capture_on_commit_callbacks(execute=True):
        township = Township.objects.get(code=GUANSHAN)
        township.save()  # (re)index the township
    from search.es import ElasticsearchEngine, ensure_alias

    ensure_alias("townships")
    ElasticsearchEngine().refresh("townships")
    html = client.get("/ja/search/", {"q": "關山", "kind": "townships", "county": "10014"}).content.decode()
    # The township's name as Japanese writes it, marked Japanese, linking to its Japanese page.
    assert '<h3 lang="ja"><a href="' + in_language(township_page, "ja").url + '">' in html

    # A township's suggestion, as the index holds it (Chinese title, default-language address), turned to English.
    from django.utils import translation

    from search.localize import localize_suggestions

    indexed = {"uid": f"townships:{township.pk}", "family": "townships", "title": "臺東縣關山鎮", "url": "/zh-hant/"}
    with translation.override("en"):
        [suggestion] = localize_suggestions([dict(indexed)])
    assert suggestion["lang"] == "en" and suggestion["url"] == in_language(township_page, "en").url
    assert suggestion["title"] == "Guanshan Township, Taitung County"
