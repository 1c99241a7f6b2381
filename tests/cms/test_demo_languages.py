"""The demo in three languages: every demo story and project is translated (not an alias) in English and
Japanese, and township names in Japanese come from the reference data."""

import pytest
from wagtail.models import Page

from cms.actions import ensure_language_versions
from cms.demo import DEMO_STORIES, ensure_demo_pages
from cms.demo_translations import DEMO_STORY_TRANSLATIONS, DEMO_TAG_TRANSLATIONS
from cms.models import ProjectPage, StoryPage, TownshipPage
from places.japanese import japanese_place_name

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# The demo loader makes every county and township page in three languages first (about 1,100 pages).
@pytest.mark.timeout(900)
def test_every_demo_story_and_project_is_written_in_english_and_japanese(cms_site, client):
    ensure_demo_pages()
    ensure_language_versions()

    for story in DEMO_STORIES:
        source = StoryPage.objects.get(slug=story["slug"], locale__language_code="zh-hant")
        for code in ("en", "ja"):
            text = DEMO_STORY_TRANSLATIONS[story["slug"]][code]
            version = Page.objects.get(translation_key=source.translation_key, locale__language_code=code)
            assert version.live and version.alias_of_id is None and version.title == text["title"]
            tags = {tag.name for tag in version.specific.tags.all()}
            assert tags == {DEMO_TAG_TRANSLATIONS[tag][code] for tag in story["tags"]}
            if story["project"]:
                project = ProjectPage.objects.get(title=story["project"], locale__language_code="zh-hant")
                translated = Page.objects.get(translation_key=project.translation_key, locale__language_code=code)
                assert translated.alias_of_id is None and translated.title == text["project"]
    # Nothing is untranslated among the demo stories: no note on their pages.
    english = StoryPage.objects.filter(locale__language_code="en", slug__isnull=False).first()
    assert "untranslated-note" not in client.get(english.url).content.decode()
    # Its tags are English words in English, and each filters the English story index to the stories carrying it.
    cacao = StoryPage.objects.get(locale__language_code="en", tags__name="cacao")
    html = client.get(cacao.url).content.decode()
    assert 'lang="en">cacao</a>' in html and "可可" not in html
    index = client.get(cacao.get_parent().url, {"tag": "cacao"}).content.decode()
    assert cacao.title in index
    assert ensure_demo_pages() == 0, "a second run writes nothing"


def test_township_names_in_japanese_use_the_japanese_kanji(cms_site):
    assert japanese_place_name("宜蘭縣壯圍鄉") == "宜蘭県壮囲郷"
    assert japanese_place_name("臺東縣關山鎮") == "台東県関山鎮"
    assert japanese_place_name("高雄市美濃區") == "高雄市美濃区"
    page = TownshipPage.objects.get(locale__language_code="ja", township__code="10008040")
    assert page.title == "竹山鎮"
    kouhu = TownshipPage.objects.get(locale__language_code="ja", township__code="10009190")
    assert kouhu.title == "口湖郷"
