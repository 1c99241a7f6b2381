"""A request's Wagtail site is looked up once per site generation, not once per request (cms/sites.py)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def _site_queries(request):
    with CaptureQueriesContext(connection) as queries:
        site = Site.find_for_request(request)
    return site, [query for query in queries.captured_queries if "wagtailcore_site" in query["sql"]]


def _request(host):
    return RequestFactory(HTTP_HOST=host).get("/")


def test_the_site_of_a_hostname_is_read_once_then_kept(page_cache_on, home_pages):
    default = Site.objects.get(is_default_site=True)
    first, queries = _site_queries(_request(default.hostname))
    assert first.pk == default.pk and len(queries) == 1
    again, queries = _site_queries(_request(default.hostname))
    assert again.pk == default.pk and again.root_page_id == default.root_page_id
    assert queries == []


def test_a_saved_site_is_read_again_and_a_new_hostname_finds_its_own_site(page_cache_on, home_pages):
    default = Site.objects.get(is_default_site=True)
    _site_queries(_request("other.example"))  # no site of its own yet: the default answers, and is kept
    root = Page.objects.get(depth=1)
    other_root = root.add_child(instance=Page(title="Other", slug="other-site"))
    other = Site.objects.create(hostname="other.example", port=80, root_page=other_root, site_name="Other")
    found, queries = _site_queries(_request("other.example"))
    assert found.pk == other.pk and len(queries) == 1
    other.delete()
    found, _queries = _site_queries(_request("other.example"))
    assert found.pk == default.pk


def test_without_a_matching_site_nothing_is_found_each_time(page_cache_on, home_pages):
    Site.objects.update(is_default_site=False)  # a bulk update sends no signal: the next save says it
    Site.objects.first().save()
    for _ in range(2):
        site, _queries = _site_queries(_request("nowhere.example"))
        assert site is None


def test_with_the_page_cache_off_every_request_asks_the_database(home_pages):
    default = Site.objects.get(is_default_site=True)
    for _ in range(2):
        site, queries = _site_queries(_request(default.hostname))
        assert site.pk == default.pk and len(queries) == 1
