"""The locales, read once per request (cms.read_once): Wagtail's answers, one query per language."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale

from cms.models import HomePage
from tests.helpers import in_a_request

pytestmark = [pytest.mark.django_db]


def locale_reads(queries):
    return sum('FROM "wagtailcore_locale"' in query["sql"] for query in queries.captured_queries)


def active_locales(languages):
    found = []
    with CaptureQueriesContext(connection) as queries:
        for language in languages:
            with translation.override(language):
                found.append(Locale.get_active())
    return found, locale_reads(queries)


def test_a_request_reads_each_language_once(cms_site):
    languages = ["zh-hant", "ja", "zh-hant", "en", "ja", "zh-hant"]
    found, reads = in_a_request(lambda: active_locales(languages))
    assert reads == 3
    assert [locale.language_code for locale in found] == languages
    outside, outside_reads = active_locales(languages)
    assert outside_reads == len(languages)  # no request: Wagtail's lookup every time
    assert [locale.pk for locale in found] == [locale.pk for locale in outside]


def test_an_unknown_language_falls_back_as_in_wagtail_and_a_changed_locale_is_read_again(cms_site):
    def work():
        with translation.override("ko"):
            fallback = Locale.get_active()
        _found, reads_before = active_locales(["ja", "ja"])
        Locale.objects.get(language_code="ja").save()  # a locale changed during the request
        _found, reads_after = active_locales(["ja", "ja"])
        return fallback, reads_before, reads_after

    fallback, reads_before, reads_after = in_a_request(work)
    assert fallback.language_code == "zh-hant"
    assert (reads_before, reads_after) == (1, 1)


def test_a_page_asks_the_database_for_each_language_once(cms_site):
    home = HomePage.objects.get(locale__language_code="en")
    client = Client()
    client.get(home.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home.url).status_code == 200
    by_language = [
        query["sql"].split("WHERE")[-1]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "wagtailcore_locale"') and 'language_code" =' in query["sql"]
    ]
    # The reader's language, and the default one (the pages' original versions): each read once.
    assert len(by_language) == len(set(by_language)) == 2


def test_a_pages_language_comes_from_the_active_locale_in_a_request_and_is_read_outside_one(cms_site):
    from wagtail.models import Page

    homes = {home.locale_id: home.pk for home in HomePage.objects.all()}

    def languages_of_fresh_pages():
        with translation.override("ja"):
            Locale.get_active()  # the request has read its locale (Wagtail's serve does, to find the home page)
            with CaptureQueriesContext(connection) as queries:
                codes = {pk: Page.objects.get(pk=pk).specific.content_language for pk in homes.values()}
        return codes, locale_reads(queries)

    codes, reads = in_a_request(languages_of_fresh_pages)
    expected = {pk: Locale.objects.get(pk=locale_id).language_code for locale_id, pk in homes.items()}
    assert codes == expected
    assert reads == 2  # the two pages in other languages read theirs; the Japanese one's is the active locale
    outside, outside_reads = languages_of_fresh_pages()
    assert outside == expected
    assert outside_reads == 3  # no request: each page reads its own


def test_pages_read_in_a_request_in_its_language_come_with_their_locale(cms_site):
    from cms.models import TownshipPage
    from cms.models.pages import CONTENT_LANGUAGE_RELATIONS

    def read_lists():
        with translation.override("en"):
            Locale.get_active()
            with CaptureQueriesContext(connection) as queries:
                english = list(
                    TownshipPage.objects.filter(locale__language_code="en").prefetch_related(
                        *CONTENT_LANGUAGE_RELATIONS
                    )
                )
                languages = {page.content_language for page in english}
            with CaptureQueriesContext(connection) as mixed_queries:
                everything = list(TownshipPage.objects.prefetch_related(*CONTENT_LANGUAGE_RELATIONS))
                by_language = {page.locale.language_code for page in everything}
        return languages, len(queries.captured_queries), by_language, locale_reads(mixed_queries)

    languages, queries, by_language, mixed_locale_reads = in_a_request(read_lists)
    assert languages == {"en"}
    assert queries == 1  # the pages only: no locale read for pages in the request's language
    assert by_language == {"zh-hant", "en", "ja"}
    assert mixed_locale_reads == 1  # the other languages' locales, in one prefetch


def test_without_a_locale_for_the_active_or_default_language_pages_read_their_own(cms_site, settings):
    from cms.models import TownshipPage

    settings.LANGUAGE_CODE = "fr"  # no such content language: Wagtail's active and default lookups both raise

    def read_pages():
        with translation.override("fr"):
            pages = list(TownshipPage.objects.filter(locale__language_code="ja"))
            return {page.content_language for page in pages}

    assert in_a_request(read_pages) == {"ja"}
