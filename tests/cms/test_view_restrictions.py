"""`.public()` reads the restricted sections once per request (cms.view_restrictions), and never hides less."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import HomePage, ProjectPage, StandardPage
from tests.helpers import in_a_request

pytestmark = [pytest.mark.django_db]


def restriction_reads(queries):
    return sum('"wagtailcore_pageviewrestriction"' in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def pages(cms_site):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    open_page = home.add_child(instance=StandardPage(title="公開", slug="open"))
    secret = home.add_child(instance=StandardPage(title="內部", slug="internal"))
    under_secret = secret.add_child(instance=StandardPage(title="內部之下", slug="below"))
    return {"open": open_page, "secret": secret, "under_secret": under_secret}


def public_slugs():
    return set(StandardPage.objects.live().public().values_list("slug", flat=True))


def test_a_request_reads_the_restrictions_once_however_many_lists_it_shows(pages):
    PageViewRestriction.objects.create(page=pages["secret"], restriction_type="password", password="x")

    def three_lists():
        with CaptureQueriesContext(connection) as queries:
            lists = [public_slugs(), public_slugs(), set(ProjectPage.objects.live().public().values_list("slug"))]
        return lists, restriction_reads(queries)

    (first, second, _projects), reads = in_a_request(three_lists)
    assert reads == 1
    assert first == second
    assert "open" in first and "internal" not in first and "below" not in first


def test_outside_a_request_every_list_reads_them(pages):
    PageViewRestriction.objects.create(page=pages["secret"], restriction_type="password", password="x")
    with CaptureQueriesContext(connection) as queries:
        public_slugs()
        public_slugs()
    assert restriction_reads(queries) == 2


def test_a_restriction_set_during_the_request_hides_its_section_from_the_next_list(pages):
    def set_one_between_two_lists():
        before = public_slugs()
        PageViewRestriction.objects.create(page=pages["secret"], restriction_type="password", password="x")
        return before, public_slugs()

    before, after = in_a_request(set_one_between_two_lists)
    assert {"internal", "below"} <= before
    assert not {"internal", "below"} & after
    assert "open" in after


def test_each_request_sees_the_restrictions_of_its_own_time(pages):
    assert "internal" in in_a_request(public_slugs)
    restriction = PageViewRestriction.objects.create(page=pages["secret"], restriction_type="password", password="x")
    assert "internal" not in in_a_request(public_slugs)
    restriction.delete()
    assert "internal" in in_a_request(public_slugs)


def test_with_no_restriction_nothing_is_hidden(pages):
    assert {"open", "internal", "below"} <= in_a_request(public_slugs)


def test_a_page_of_a_site_without_restrictions_knows_it_from_the_requests_one_read(pages):
    def ask_three_times():
        with CaptureQueriesContext(connection) as queries:
            answers = [pages["under_secret"].get_view_restrictions().exists() for _ in range(3)]
        return answers, len(queries.captured_queries)

    answers, queries = in_a_request(ask_three_times)
    assert answers == [False, False, False]
    assert queries == 1


@pytest.mark.parametrize("restricted", ["secret", "under_secret"])
def test_with_a_restriction_a_page_gets_wagtails_answer(pages, restricted):
    from wagtail.models import Page

    restriction = PageViewRestriction.objects.create(page=pages[restricted], restriction_type="password", password="x")
    for name, page in pages.items():
        ours = set(page.get_view_restrictions())
        wagtails = set(Page.get_view_restrictions(page))
        assert ours == wagtails, name
    assert set(pages["under_secret"].get_view_restrictions()) == {restriction}
    assert not pages["open"].get_view_restrictions().exists()


def test_an_alias_is_restricted_by_its_original_once_some_restriction_exists(pages):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    english_home = HomePage.objects.get(locale__language_code="en")
    alias = pages["secret"].create_alias(parent=english_home, update_slug="internal-alias")
    assert home.pk != english_home.pk
    assert not alias.specific.get_view_restrictions().exists()
    restriction = PageViewRestriction.objects.create(page=pages["secret"], restriction_type="password", password="x")
    assert set(alias.specific.get_view_restrictions()) == {restriction}
