"""Page tree rules, township pages, stories, projects, figures, feeds, sitemap and head tags."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page

from cms.actions import ensure_township_pages, township_page_for
from cms.models import (
    CountyPage,
    HomePage,
    ProjectPage,
    ProjectUpdate,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    SustainableDevelopmentGoal,
    TownshipIndexPage,
    TownshipPage,
)
from places.models import Township
from tests.factories.cms import TEST_TOWN_CODES, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def assert_can_create_at(parent_model, child_model):
    assert child_model in parent_model.allowed_subpage_models(), f"{child_model} should go under {parent_model}"
    assert parent_model in child_model.allowed_parent_page_models()


def assert_can_not_create_at(parent_model, child_model):
    assert child_model not in parent_model.allowed_subpage_models(), f"{child_model} must not go under {parent_model}"


def test_page_tree_rules():
    assert_can_create_at(Page, HomePage)
    for child in (TownshipIndexPage, StoryIndexPage, StandardPage):
        assert_can_create_at(HomePage, child)
    assert_can_create_at(TownshipIndexPage, CountyPage)
    assert_can_create_at(CountyPage, TownshipPage)
    assert_can_create_at(TownshipPage, ProjectPage)
    assert_can_create_at(StoryIndexPage, StoryPage)
    assert_can_create_at(StandardPage, StandardPage)

    for parent in (Page, HomePage, CountyPage, StoryIndexPage, StandardPage, StoryPage, ProjectPage):
        assert_can_not_create_at(parent, ProjectPage)
    for parent in (Page, HomePage, TownshipIndexPage, TownshipPage, ProjectPage):
        assert_can_not_create_at(parent, StoryPage)
    assert_can_not_create_at(HomePage, TownshipPage)
    assert_can_not_create_at(HomePage, CountyPage)
    assert StoryPage.allowed_subpage_models() == [] and ProjectPage.allowed_subpage_models() == []


def test_only_one_index_of_each_kind_under_a_home(cms_site):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    assert not TownshipIndexPage.can_create_at(home)
    assert not StoryIndexPage.can_create_at(home)
    assert StandardPage.can_create_at(home)


def test_township_pages_in_every_language_and_idempotent(cms_site):
    assert TownshipPage.objects.count() == len(TEST_TOWN_CODES) * 3
    zh = TownshipPage.objects.get(township__code="10008040", locale__language_code="zh-hant")
    en = TownshipPage.objects.get(township__code="10008040", locale__language_code="en")
    assert zh.title == "竹山鎮" and en.title == "Zhushan Township"
    assert zh.translation_key == en.translation_key
    assert zh.get_parent().specific.county.code == "10008"

    zh.specialties = "<p>竹編與老屋</p>"
    zh.save_revision().publish()
    output = io.StringIO()
    call_command("create_township_pages", *TEST_TOWN_CODES, stdout=output)
    assert "created: 0" in output.getvalue()
    assert ensure_township_pages(codes=TEST_TOWN_CODES) == 0
    assert TownshipPage.objects.count() == len(TEST_TOWN_CODES) * 3
    zh.refresh_from_db()
    assert zh.specialties == "<p>竹編與老屋</p>"


def test_township_page_shows_reference_figures_projects_and_stories(cms_site, client, story_index):
    township = Township.objects.get(code="10008040")
    page = township_page_for(township)
    project = page.add_child(instance=ProjectPage(title="竹山竹藝工坊", slug="bamboo"))
    project.save_revision().publish()
    draft = page.add_child(instance=ProjectPage(title="尚未審核的專案", slug="draft", live=False))
    story = add_story(story_index, "竹山的故事", township=township)

    response = client.get(page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{township.population:,}" in html
    assert f"{township.share_aged_65_plus}%" in html
    assert str(township.aging_index) in html
    assert "竹山竹藝工坊" in html and story.title in html
    assert draft.title not in html
    assert project.township_id == township.pk


@pytest.fixture
def story_index(cms_site):
    return StoryIndexPage.objects.get(locale__language_code="zh-hant")


def add_story(index, title, township=None, tags=(), date=None, live=True, **extra):
    story = StoryPage(
        title=title,
        date=date or datetime.date(2026, 1, 1),
        summary=f"{title}的摘要",
        body=[("paragraph", f"<p>{title}</p>")],
        township=township,
        live=live,
        **extra,
    )
    story.tags.add(*tags)
    index.add_child(instance=story)
    if live:
        story.save_revision().publish()
    return story


def test_story_index_paginates_and_filters(story_index, client):
    zhushan = Township.objects.get(code="10008040")
    kouhu = Township.objects.get(code="10009190")
    for number in range(14):
        add_story(
            story_index,
            f"故事{number:02d}",
            township=zhushan if number % 2 else kouhu,
            tags=["茶"] if number < 3 else [],
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
        )
    add_story(story_index, "草稿故事", live=False)

    first = client.get(story_index.url).content.decode()
    second = client.get(story_index.url + "?page=2").content.decode()
    assert "故事13" in first and "故事02" in first and "故事01" not in first
    assert "故事01" in second and "故事00" in second
    assert "草稿故事" not in first + second
    assert 'rel="next"' in first and 'rel="prev"' in second

    tagged = client.get(story_index.url + "?tag=茶").content.decode()
    assert all(f"故事{n:02d}" in tagged for n in range(3)) and "故事05" not in tagged
    yunlin = client.get(story_index.url + "?county=10009").content.decode()
    assert "故事00" in yunlin and "故事01" not in yunlin
    empty = client.get(story_index.url + "?tag=不存在").content.decode()
    assert "沒有符合篩選條件的故事" in empty


def test_feeds_list_live_stories_only(story_index, client):
    add_story(story_index, "已發布的故事", tags=["可可"])
    add_story(story_index, "草稿故事", live=False)

    rss = client.get(story_index.url + "feed/rss/")
    atom = client.get(story_index.url + "feed/atom/")

    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
    for response in (rss, atom):
        body = response.content.decode()
        assert "已發布的故事" in body and "可可" in body
        assert "草稿故事" not in body


def test_story_page_head_tags_and_structured_data(story_index, client):
    image = make_image("cocoa")
    story = add_story(story_index, "可可的故事", township=Township.objects.get(code="10008040"), hero_image=image)

    html = client.get(story.url).content.decode()

    assert f'<link rel="canonical" href="{story.full_url}">' in html
    assert story.full_url.startswith("http://127.0.0.1:8000/zh-hant/"), "absolute URLs come from SITE_BASE_URL"
    assert 'hreflang="zh-hant"' in html and 'hreflang="x-default"' in html
    assert "http://localhost" not in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'property="og:image"' in html and "cocoa alt" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Article" and data["headline"] == "可可的故事"
    assert data["datePublished"] == "2026-01-01" and data["image"][0].startswith("http")
    assert 'aria-label="導覽路徑"' in html
    assert 'type="image/webp"' in html and "srcset=" in html


def test_a_translation_describes_its_picture_in_its_own_language(story_index, client):
    """The image's alt text is written once, in one language; a translated page says it again in its language (for
    the picture and the link preview), and a page that does not keeps the image's."""
    from tests.helpers import translation_of

    story = add_story(story_index, "可可的故事", hero_image=make_image("cocoa"))
    english = translation_of(story, "en")
    english.title = "The cocoa story"
    english.hero_image_alt = "A cocoa pod split open on a wooden table"
    english.save_revision().publish()
    japanese = translation_of(story, "ja")
    japanese.title = "カカオの物語"
    japanese.save_revision().publish()

    english_html = client.get(english.url).text
    chinese_html = client.get(story.url).text

    assert 'alt="A cocoa pod split open on a wooden table"' in english_html
    assert '<meta property="og:image:alt" content="A cocoa pod split open on a wooden table">' in english_html
    assert "cocoa alt" not in english_html
    assert 'alt="cocoa alt"' in chinese_html
    assert 'alt="cocoa alt"' in client.get(japanese.url).text


def test_unicode_slugs_make_readable_addresses(story_index, client):
    story = add_story(story_index, "可可", slug="屏東可可")
    assert "/屏東可可/" in story.url or "%E5%B1%8F%E6%9D%B1" in story.url
    assert client.get(story.url).status_code == 200


def test_project_page_updates_and_empty_funding_panel(cms_site, client):
    parent = township_page_for(Township.objects.get(code="10009190"))
    project = ProjectPage(title="智慧魚塭", slug="fish", summary="水質感測")
    project.updates.add(
        ProjectUpdate(date=datetime.date(2026, 2, 1), title="第一批魚苗放養", body="<p>順利</p>"),
        ProjectUpdate(date=datetime.date(2026, 3, 1), title="感測器上線", body="<p>上線</p>"),
    )
    parent.add_child(instance=project)
    project.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=[2, 14]))
    project.save_revision().publish()

    html = client.get(project.url).content.decode()

    assert html.index("感測器上線") < html.index("第一批魚苗放養")
    assert "SDG 14 保育海洋生態" in html
    assert "funding-panel" not in html, "no funding data exists yet, so no panel and no invented numbers"
    assert "口湖鄉" in html


def test_home_figures_are_computed_and_honest(cms_site, client):
    response = client.get("/zh-hant/")
    assert response.context["figures"] == {"projects": 0, "backers": 0, "raised_twd": 0, "townships_reached": 0}

    for code in ("10008040", "10009190"):
        parent = township_page_for(Township.objects.get(code=code))
        parent.add_child(instance=ProjectPage(title=f"專案{code}", slug="p")).save_revision().publish()
    parent.add_child(instance=ProjectPage(title="草稿", slug="draft", live=False))

    figures = client.get("/zh-hant/").context["figures"]
    assert figures == {"projects": 2, "backers": 0, "raised_twd": 0, "townships_reached": 2}


def test_the_home_map_has_a_dot_for_each_township_with_projects_however_many_each_has(cms_site, client, monkeypatch):
    crowded, quiet = (township_page_for(Township.objects.get(code=code)) for code in ("10008040", "10009190"))
    for number in range(3):
        crowded.add_child(instance=ProjectPage(title=f"專案{number}", slug=f"p{number}")).save_revision().publish()
    quiet.add_child(instance=ProjectPage(title="專案", slug="p")).save_revision().publish()
    # Room for two dots: the crowded township's three projects must not take both.
    monkeypatch.setattr("cms.models.pages.TEASER_POINTS", 2)

    html = client.get("/zh-hant/").content.decode()

    assert html.count('class="map-point"') == 2


def test_sdgs_are_loaded_in_three_languages(db):
    goals = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
    assert sorted(goals) == list(range(1, 18))
    assert (goals[1].name_zh, goals[1].name_en, goals[1].name_ja) == ("消除貧窮", "No Poverty", "貧困をなくそう")
    assert (goals[17].name_en, goals[17].name_ja) == (
        "Partnerships for the Goals",
        "パートナーシップで目標を達成しよう",
    )
    assert all(goal.name_zh and goal.name_en and goal.name_ja for goal in goals.values())


def test_sitemap_lists_live_pages_in_every_language_and_robots(story_index, client, settings):
    from cms.actions import follow_site_base_url

    settings.SITE_BASE_URL = "https://homeward.example"
    assert follow_site_base_url()
    add_story(story_index, "公開故事", slug="public-story")
    add_story(story_index, "草稿故事", slug="draft-story", live=False)

    sitemap = client.get("/sitemap.xml").content.decode()

    assert "<loc>https://homeward.example/zh-hant/" in sitemap and "<loc>https://homeward.example/en/" in sitemap
    assert "/ja/" in sitemap and "localhost" not in sitemap
    assert "public-story" in sitemap and "draft-story" not in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: https://homeward.example/sitemap.xml" in robots


def test_sitemap_entries_name_their_language_versions_absolute_in_one_query(story_index, client, settings):
    """Each entry of a page that exists in several languages lists all of them and x-default (the Chinese one) as
    xhtml:link alternates, absolute on SITE_BASE_URL; an untranslated page's alias is no version. The alternates of
    a whole sitemap are read at once: more translated pages cost no more queries."""
    from xml.etree import ElementTree

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.actions import follow_site_base_url
    from tests.helpers import translation_of

    settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = "https://homeward.example"
    assert follow_site_base_url()

    def translated_story(title, slug):
        story = add_story(story_index, title, slug=slug)
        versions = [story]
        for code in ("en", "ja"):
            version = translation_of(story, code)
            version.title = f"{title} {code}"
            version.save_revision().publish()
            versions.append(version)
        return [Page.objects.get(pk=version.pk).full_url for version in versions]

    chinese, english, japanese = translated_story("可可的故事", "cocoa")
    add_story(story_index, "只有中文", slug="chinese-only")

    def sitemap():
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/sitemap.xml").content
        return ElementTree.fromstring(body), len(queries)  # noqa: S314 (our own sitemap)

    root, queries_before = sitemap()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.findtext("s:loc", namespaces=ns): [
            (link.get("rel"), link.get("hreflang"), link.get("href")) for link in url.findall("x:link", ns)
        ]
        for url in root.findall("s:url", ns)
    }
    assert chinese.startswith("https://homeward.example/zh-hant/") and english.startswith(
        "https://homeward.example/en/"
    )
    expected = [
        ("alternate", "zh-hant", chinese),
        ("alternate", "en", english),
        ("alternate", "ja", japanese),
        ("alternate", "x-default", chinese),
    ]
    for url in (chinese, english, japanese):
        assert entries[url] == expected, entries[url]
    only_chinese = next(loc for loc in entries if "chinese-only" in loc)
    assert entries[only_chinese] == [], "no alternates for a page in one language (its aliases are not versions)"

    translated_story("茶的故事", "tea")
    translated_story("竹的故事", "bamboo")
    root, queries_after = sitemap()
    assert len(root.findall("s:url", ns)) == len(entries) + 6
    assert queries_after == queries_before


def test_every_absolute_link_of_a_page_and_its_feeds_starts_with_site_base_url(story_index, client, settings):
    """Canonical, hreflang and Open Graph tags, and every link of the RSS and Atom feeds, use SITE_BASE_URL whatever
    host the request named (here Django's test client's "testserver")."""
    from cms.actions import follow_site_base_url
    from tests.helpers import translation_of

    settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = "https://homeward.example"
    assert follow_site_base_url()
    story = add_story(story_index, "可可的故事", hero_image=make_image("cocoa"))
    english = translation_of(story, "en")
    english.title = "The cocoa story"
    english.save_revision().publish()

    html = client.get(story.url).content.decode()
    head = {
        "canonical": re.findall(r'<link rel="canonical" href="([^"]+)"', html),
        "hreflang": re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html),
        "og": re.findall(r'<meta (?:property|name)="(?:og:url|og:image|twitter:image)" content="([^"]+)"', html),
    }
    assert len(head["canonical"]) == 1 and len(head["hreflang"]) == 3 and len(head["og"]) == 3, head
    assert all(url.startswith("https://homeward.example/") for urls in head.values() for url in urls), head
    assert "https://homeward.example/en/" in " ".join(head["hreflang"])

    for feed in ("feed/rss/", "feed/atom/"):
        body = client.get(story_index.url + feed).content.decode()
        links = [url for url in re.findall(r"https?://[^<\"\s]+", body) if "www.w3.org" not in url]  # not namespaces
        assert len(links) >= 3, body  # the index, the feed itself, the story
        assert all(link.startswith("https://homeward.example/") for link in links), links
        assert "testserver" not in body


def test_language_switcher_links_to_the_translation(cms_site, client):
    zh = TownshipPage.objects.get(township__code="10008040", locale__language_code="zh-hant")
    html = client.get(zh.url).content.decode()
    assert 'href="/en/local-dna/nantou-county/zhushan-township/" hreflang="en"' in html


def test_navigation_settings_drive_menu_and_footer(cms_site, client):
    from wagtail.models import Site

    from cms.models import NavigationSettings

    home = HomePage.objects.get(locale__language_code="zh-hant")
    about = home.add_child(instance=StandardPage(title="關於我們", slug="about"))
    about.save_revision().publish()
    en_about = about.copy_for_translation(Locale.objects.get(language_code="en"))
    en_about.title = "About us"
    en_about.save_revision().publish()
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    navigation.menu = [("link", {"page": about, "label": ""})]
    navigation.footer_note = "Homeward 團隊"
    navigation.save()

    zh_html = client.get("/zh-hant/").content.decode()
    en_html = client.get("/en/").content.decode()

    assert f'<a href="{about.url}">關於我們</a>' in zh_html and "Homeward 團隊" in zh_html
    assert '<a href="/en/about/">About us</a>' in en_html


def test_a_video_that_cannot_be_embedded_degrades_to_a_link(story_index, client):
    # No oEmbed provider answers for this address (as when the site is offline): a plain link is shown.
    story = add_story(story_index, "影片故事")
    story.body = [("video", {"url": "http://127.0.0.1:9/harvest.mp4", "title": "採收紀錄"})]
    story.save_revision().publish()

    html = client.get(story.url).content.decode()

    assert '<a href="http://127.0.0.1:9/harvest.mp4" rel="noopener">觀看影片：採收紀錄</a>' in html
