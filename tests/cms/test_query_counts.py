"""Every public page renders with a number of queries that does not grow with the number of items it lists."""

import datetime

import pytest

from cms.actions import ensure_township_pages, township_page_for
from cms.models import (
    HomeFeaturedProject,
    HomeFeaturedStory,
    HomePage,
    ProjectPage,
    ProjectUpdate,
    StoryIndexPage,
    StoryPage,
    SustainableDevelopmentGoal,
    TownshipIndexPage,
)
from places.models import Township
from tests.factories.cms import make_image
from tests.helpers import QUERY_CEILING, queries_to_render
from tests.helpers import assert_queries_do_not_grow as grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


class Maker:
    def __init__(self):
        self.count = 0
        self.zhushan = Township.objects.get(code="10008040")
        self.township_page = township_page_for(self.zhushan)
        self.story_index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
        # A few images shared by many pages: each page still loads its own, so an N+1 would show.
        self.images = [make_image(f"image{number}") for number in range(3)]

    def image(self):
        return self.images[self.count % len(self.images)]

    def project(self):
        self.count += 1
        page = ProjectPage(title=f"專案{self.count}", slug=f"p{self.count}", hero_image=self.image())
        return self.township_page.add_child(instance=page)

    def story(self, **extra):
        self.count += 1
        page = StoryPage(
            title=f"故事{self.count}",
            slug=f"s{self.count}",
            date=datetime.date(2026, 1, 1),
            body=[("paragraph", "<p>內文</p>")],
            township=self.zhushan,
            hero_image=self.image(),
            **extra,
        )
        page.tags.add(f"標籤{self.count}")
        return self.story_index.add_child(instance=page)


@pytest.fixture
def maker(cms_site):
    return Maker()


def test_story_index(maker, client):
    def build(n):
        for _ in range(n):
            maker.story()

    grow(build, client, lambda: maker.story_index.url)


def test_township_page(maker, client):
    def build(n):
        for _ in range(n):
            maker.project()
            maker.story()

    grow(build, client, lambda: maker.township_page.url)


def test_home_page(maker, client):
    home = HomePage.objects.get(locale__language_code="zh-hant")

    def build(n):
        for _ in range(n):
            HomeFeaturedProject.objects.create(home=home, project=maker.project())
            HomeFeaturedStory.objects.create(home=home, story=maker.story())

    grow(build, client, lambda: "/zh-hant/")


def test_story_page_with_related_projects(maker, client):
    story = maker.story()

    def build(n):
        for _ in range(n):
            story.related_projects.add(maker.project())
            story.tags.add(f"tag-{maker.count}")
        story.save()

    grow(build, client, lambda: story.url)


def test_project_page_with_updates(maker, client):
    project = maker.project()
    goals = list(SustainableDevelopmentGoal.objects.all())

    def build(n):
        start = project.updates.count()
        for number in range(start, start + n):
            project.updates.add(ProjectUpdate(date=datetime.date(2026, 1, 1), title=f"消息{number}", body="<p>x</p>"))
        project.sdgs.set(goals[: min(17, start + n)])
        project.save()

    grow(build, client, lambda: ProjectPage.objects.get(pk=project.pk).url)


def test_township_index_and_county_pages(cms_site, client):
    codes = list(Township.objects.filter(county__code="10013").values_list("code", flat=True))  # 屏東縣: 33
    codes += list(Township.objects.filter(county__code="10014").values_list("code", flat=True))  # 臺東縣: 16
    index = TownshipIndexPage.objects.get(locale__language_code="zh-hant")

    ensure_township_pages(codes=codes[:5])
    with_5 = queries_to_render(client, index.url)
    ensure_township_pages(codes=codes[:50])
    with_50 = queries_to_render(client, index.url)
    assert with_5 == with_50 <= QUERY_CEILING

    county = index.get_children().get(title="屏東縣")
    assert queries_to_render(client, county.url) <= QUERY_CEILING


def test_home_page_lead_picture_is_not_made_again_on_every_visit(maker, client, monkeypatch):
    """The lead project's picture comes with its renditions prefetched; one missing from the prefetch was generated
    anew (six resized images) on every request of the home page."""
    from cms.models.images import CustomImage

    home = HomePage.objects.get(locale__language_code="zh-hant")
    HomeFeaturedProject.objects.create(home=home, project=maker.project())
    first = client.get("/zh-hant/")
    assert first.status_code == 200
    assert b'fetchpriority="high"' in first.content, "the lead picture is on the page"

    made = []
    generate = CustomImage.generate_rendition_file

    def counting(self, filter, **kwargs):
        made.append(filter.spec)
        return generate(self, filter, **kwargs)

    monkeypatch.setattr(CustomImage, "generate_rendition_file", counting)
    second = client.get("/zh-hant/")

    assert second.status_code == 200
    assert b"format-webp.fill-960x600" in second.content
    assert made == []


def test_the_language_switcher_and_the_hreflang_links_share_one_read_of_the_translations(maker, client):
    """Both show the page's live translations: one query for the two (the hreflang links keep to the written,
    public versions; the switcher links every live one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story = maker.story()
    for url in (maker.township_page.url, story.url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'hreflang="zh-hant"' in html and 'hreflang="x-default"' in html, url
        translations = [
            query["sql"]
            for query in captured.captured_queries
            if '"wagtailcore_page"."translation_key" = ' in query["sql"]
        ]
        assert len(translations) == 1, (url, translations)
