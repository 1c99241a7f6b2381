"""BasePage.route finds the page Wagtail's own routing finds, in two queries whatever the depth."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.actions import township_page_for
from cms.models import HomePage, ProjectPage, StoryIndexPage, StoryPage
from cms.models.pages import BasePage
from places.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def route(home, components):
    """(page id, args, kwargs) of the route, or "404"."""
    try:
        result = home.route(RequestFactory().get("/"), components)
    except Http404:
        return "404"
    # A routable page's view comes as a method bound to the page instance: compare the function.
    args = tuple(getattr(arg, "__func__", arg) for arg in result.args)
    return (result.page.pk, args, result.kwargs)


def wagtails_route(home, components, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(BasePage, "route", Page.route)
        return route(home, components)


def components_of(page, home):
    return [part for part in page.url_path[len(home.url_path) :].split("/") if part]


@pytest.fixture
def tree(cms_site):
    zhushan = Township.objects.get(code="10008040")
    township_page = township_page_for(zhushan)
    project = township_page.add_child(instance=ProjectPage(title="竹山專案", slug="竹山專案"))
    draft = township_page.add_child(instance=ProjectPage(title="草稿", slug="draft", live=False))
    story_index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    story = story_index.add_child(
        instance=StoryPage(title="故事", slug="story", date=datetime.date(2026, 1, 1), body=[], township=zhushan)
    )
    story.tags.add("茶")
    story.save()
    return {"township": township_page, "project": project, "draft": draft, "story": story, "index": story_index}


def test_every_page_of_every_language_routes_as_wagtail_routes_it(tree, monkeypatch):
    homes = list(HomePage.objects.all())
    assert len(homes) == 3
    for home in homes:
        for page in Page.objects.descendant_of(home):
            components = components_of(page, home)
            assert route(home, components) == wagtails_route(home, components, monkeypatch), page.url_path


@pytest.mark.parametrize(
    "tail",
    [
        ["nowhere"],
        ["draft"],  # under the township page: not live, so not found
        ["竹山專案", "deeper"],
        ["竹山專案", ""],
    ],
)
def test_missing_and_unpublished_pages_are_not_found_as_in_wagtail(tree, monkeypatch, tail):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    components = [part for part in components_of(tree["township"], home) + tail if part]
    expected = wagtails_route(home, components, monkeypatch)
    assert route(home, components) == expected
    if tail != ["竹山專案", ""]:
        assert expected == "404"


def test_a_live_page_under_an_unpublished_one_is_found_as_in_wagtail(tree, monkeypatch):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    tree["township"].get_parent().specific.unpublish()
    components = components_of(tree["project"], home)
    assert route(home, components) == wagtails_route(home, components, monkeypatch)
    assert route(home, components)[0] == tree["project"].pk


@pytest.mark.parametrize("tail", [["feed", "rss"], ["feed", "atom"], ["story"], ["feed", "nothing"], []])
def test_a_page_that_routes_its_own_sub_paths_gets_the_rest_of_the_path(tree, monkeypatch, tail):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    components = components_of(tree["index"], home) + tail
    assert route(home, components) == wagtails_route(home, components, monkeypatch)


def test_routing_costs_two_queries_whatever_the_depth(tree, monkeypatch):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    components = components_of(tree["project"], home)
    assert len(components) == 4
    with CaptureQueriesContext(connection) as ours:
        route(home, components)
    with CaptureQueriesContext(connection) as wagtails:
        wagtails_route(home, components, monkeypatch)
    assert len(ours.captured_queries) == 2  # the pages along the path, then the project's specific row
    assert len(wagtails.captured_queries) == 8


def test_the_served_page_knows_its_parent_without_a_query(tree):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    page = home.route(RequestFactory().get("/"), components_of(tree["project"], home)).page
    with CaptureQueriesContext(connection) as queries:
        parent = page.get_parent()
    assert parent.pk == tree["township"].pk
    assert len(queries.captured_queries) == 0


def test_a_child_of_a_routable_page_is_found_in_the_same_two_queries(tree, monkeypatch):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    components = components_of(tree["story"], home)
    with CaptureQueriesContext(connection) as ours:
        found = route(home, components)
    assert found == wagtails_route(home, components, monkeypatch)
    assert found[0] == tree["story"].pk
    # The story index's own routes (its feeds) do not match the story's slug: no row of the index is read.
    assert len(ours.captured_queries) == 2


@pytest.mark.parametrize("slug", ["feed", "rss"])
def test_a_child_whose_slug_starts_a_routable_pages_own_path_is_routed_as_in_wagtail(tree, monkeypatch, slug):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    child = tree["index"].add_child(
        instance=StoryPage(
            title=slug, slug=slug, date=datetime.date(2026, 1, 2), body=[], township=tree["story"].township
        )
    )
    for tail in ([slug], [slug, "rss"], [slug, "atom"]):
        components = components_of(tree["index"], home) + tail
        assert route(home, components) == wagtails_route(home, components, monkeypatch), tail
    assert route(home, components_of(child, home))[0] == child.pk


def test_the_children_of_an_unpublished_routable_page_are_routed_as_in_wagtail(tree, monkeypatch):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    tree["index"].unpublish()
    for tail in (["story"], ["feed", "rss"], []):
        components = components_of(tree["index"], home) + tail
        assert route(home, components) == wagtails_route(home, components, monkeypatch), tail


def test_the_breadcrumbs_of_a_routed_page_are_those_read_from_the_database(tree, monkeypatch):
    from wagtail.models import Locale

    from cms.templatetags.cms_tags import breadcrumb_trail

    # An untranslated project in the Japanese tree: an alias, under aliases of its township's pages.
    tree["project"].copy_for_translation(Locale.objects.get(language_code="ja"), copy_parents=True, alias=True)
    request = RequestFactory().get("/")
    checked = 0
    for home in HomePage.objects.all():
        for row in Page.objects.descendant_of(home).live():
            routed = home.route(request, components_of(row, home)).page
            if routed.pk != row.pk:
                continue  # a routable page's own route
            read = Page.objects.get(pk=row.pk).specific
            with CaptureQueriesContext(connection) as queries:
                trail = breadcrumb_trail({"request": request}, routed)
            assert trail == breadcrumb_trail({"request": request}, read), row.url_path
            assert [crumb["title"] for crumb in trail][0] == home.title
            if home.locale.language_code == "zh-hant":  # no alias on the way: the ancestors are not read again
                assert not any('"depth" >= 2' in query["sql"] for query in queries.captured_queries), row.url_path
            checked += 1
    assert checked > 10
