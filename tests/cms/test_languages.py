"""Every public page in every language: an untranslated page is served under the visitor's prefix with a note,
the language switch leads to the same page, and every language's listings hold every public item."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale, Page

from cms.actions import create_project_draft, ensure_language_versions, township_page_for
from cms.models import HomeFeaturedProject, HomePage, ProjectPage, StoryIndexPage, StoryPage, TownshipPage
from cms.public import in_active_language, public_projects, public_stories
from places.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ZHUSHAN = "10008040"
UNTRANSLATED_NOTE = (
    'This page is not yet translated; showing the original in <span lang="%(language_tag)s">%(language)s</span>.'
)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def in_language(page, code):
    return Page.objects.get(translation_key=page.translation_key, locale__language_code=code).specific


@pytest.fixture
def bamboo(cms_site):
    """A published project written in Chinese only, as a team submits it."""
    township = township_page_for(Township.objects.get(code=ZHUSHAN))
    project = township.add_child(instance=ProjectPage(title="竹山竹藝工坊", slug="bamboo", summary="竹編與老屋的工坊"))
    project.save_revision().publish()
    ensure_language_versions()
    return project


@pytest.fixture
def tea_story(cms_site):
    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    story = index.add_child(
        instance=StoryPage(title="坪林的包種茶", slug="tea", date="2026-01-01", summary="茶山上的年輕人")
    )
    story.save_revision().publish()
    ensure_language_versions()
    return story


@pytest.mark.parametrize("code", ["en", "ja"])
def test_an_untranslated_project_is_served_under_the_visitors_prefix_with_a_note(bamboo, client, code):
    version = in_language(bamboo, code)
    assert version.url.startswith(f"/{code}/") and version.alias_of_id == bamboo.pk

    html = html_of(client, version.url)

    assert re.search(r'<html lang="' + code + '"', html)
    note = re.search(r'class="message untranslated-note"[^>]*>(.*?)</p>', html, re.S).group(1)
    with translation.override(code):
        expected = translation.gettext(UNTRANSLATED_NOTE) % {"language_tag": "zh-Hant-TW", "language": "繁體中文"}
    assert note == expected and '<span lang="zh-Hant-TW">繁體中文</span>' in note
    assert '<h1 lang="zh-Hant-TW">竹山竹藝工坊</h1>' in html
    assert '<p class="lead" lang="zh-Hant-TW">竹編與老屋的工坊</p>' in html
    # One canonical address for one text: the original's. Alternates are the real language versions only.
    assert f'<link rel="canonical" href="{settings.SITE_BASE_URL}{bamboo.url}">' in html
    assert re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html) == ["zh-hant", "x-default"]


def test_the_original_page_has_no_note_and_lists_only_real_translations(bamboo, client):
    html = html_of(client, bamboo.url)
    assert "untranslated-note" not in html
    assert f'<link rel="canonical" href="{settings.SITE_BASE_URL}{bamboo.url}">' in html
    assert '<h1 lang="zh-Hant-TW">竹山竹藝工坊</h1>' in html


@pytest.mark.parametrize("kind", ["project", "story", "township"])
def test_the_language_switch_leads_to_the_same_page_never_home(bamboo, tea_story, client, kind):
    page = {
        "project": bamboo,
        "story": tea_story,
        "township": TownshipPage.objects.get(township__code=ZHUSHAN, locale__language_code="zh-hant"),
    }[kind]
    for shown in ("zh-hant", "en", "ja"):
        html = html_of(client, in_language(page, shown).url)
        switch = re.search(r'class="language-switcher".*?</nav>', html, re.S).group(0)
        links = dict(re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', switch))
        targets = {code: url for url, code in links.items()}
        for code in ("zh-hant", "en", "ja"):
            assert targets[code] == in_language(page, code).url, (kind, shown, code)
            assert targets[code] != f"/{code}/"


def test_a_translated_page_is_shown_as_translated(bamboo, client):
    english = in_language(bamboo, "en")
    english.alias_of = None
    english.title, english.summary = "Zhushan bamboo workshop", "Bamboo weaving in an old house"
    english.save_revision().publish()

    html = html_of(client, english.url)

    assert "untranslated-note" not in html
    assert '<h1 lang="en">Zhushan bamboo workshop</h1>' in html
    assert f'<link rel="canonical" href="{settings.SITE_BASE_URL}{english.url}">' in html
    assert set(re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html)) == {"zh-hant", "en", "x-default"}
    # and the Japanese visitor still sees the Chinese original (the source of the alias), not the English text
    assert "竹山竹藝工坊" in html_of(client, in_language(bamboo, "ja").url)


@pytest.mark.parametrize("code", ["en", "ja"])
def test_every_language_lists_every_public_item_marked_with_its_language(bamboo, tea_story, client, code):
    township = in_language(township_page_for(Township.objects.get(code=ZHUSHAN)), code)
    html = html_of(client, township.url)
    assert (
        '<h3 class="card-title" lang="zh-Hant-TW"><a href="' + in_language(bamboo, code).url + '">竹山竹藝工坊</a></h3>'
        in html
    )

    index = StoryIndexPage.objects.get(locale__language_code=code)
    html = html_of(client, index.url)
    assert (
        '<h2 class="card-title" lang="zh-Hant-TW"><a href="'
        + in_language(tea_story, code).url
        + '">坪林的包種茶</a></h2>'
    ) in html


def test_the_home_page_features_the_same_projects_in_every_language(bamboo, client):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    HomeFeaturedProject.objects.create(home=home, project=bamboo, sort_order=0)

    html = html_of(client, "/ja/")

    assert 'href="' + in_language(bamboo, "ja").url + '">竹山竹藝工坊</a>' in html


def test_aliases_are_not_more_items(bamboo, tea_story, client):
    """Feeds, digests, matching and the search index start from cms.public: an alias is not another project."""
    assert list(public_projects()) == [bamboo]
    assert list(public_stories()) == [tea_story]
    sitemap = client.get("/sitemap.xml").content.decode()
    assert sitemap.count("bamboo") == 1


def test_a_submitted_project_gets_its_language_versions_which_go_live_on_approval(cms_site, alice):
    township = Township.objects.get(code=ZHUSHAN)
    project = create_project_draft(township=township, owner=alice, title="竹炭新生", summary="竹炭")

    versions = Page.objects.filter(translation_key=project.translation_key).exclude(pk=project.pk)
    assert sorted(versions.values_list("locale__language_code", "live")) == [("en", False), ("ja", False)]

    project.get_latest_revision().publish()

    assert all(version.live for version in versions.all())
    assert ensure_language_versions() == 0  # nothing is made twice


def test_links_to_pages_follow_the_visitors_language(bamboo):
    with translation.override("ja"):
        [version] = in_active_language([bamboo])
    assert version.url == in_language(bamboo, "ja").url
    assert Locale.get_default().language_code == "zh-hant"


def test_a_translated_story_shows_its_project_in_the_readers_language_and_marks_copied_tags(bamboo, tea_story, client):
    from bs4 import BeautifulSoup

    tea_story.related_projects.add(bamboo)
    tea_story.tags.add("茶")
    tea_story.save_revision().publish()
    project_en = in_language(bamboo, "en")
    project_en.alias_of = None
    project_en.title = "Zhushan bamboo workshop"
    project_en.save_revision().publish()
    story_en = in_language(tea_story, "en")
    story_en.alias_of = None
    story_en.title = "Pinglin's Baozhong tea"
    story_en.tags.add("tea")  # the translator adds an English tag; the copied Chinese one stays
    story_en.save_revision().publish()

    html = BeautifulSoup(html_of(client, story_en.url), "html.parser")

    card = html.select_one(".card-title")
    assert (card.get_text(strip=True), card["lang"]) == ("Zhushan bamboo workshop", "en")
    assert card.a["href"] == project_en.url
    tags = {tag.get_text(strip=True): tag["lang"] for tag in html.select("p.tags a")}
    assert tags == {"茶": "zh-Hant-TW", "tea": "en"}
