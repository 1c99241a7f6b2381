"""The anonymous page cache (cms.page_cache), on the real Redis: served without queries, stale the moment what it
shows changes (publish, payment, translation), one copy per language, never for a signed-in visitor."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from cms import page_cache
from cms.actions import township_page_for
from cms.models import HomeFeaturedProject, HomePage, StandardPage, StoryIndexPage, StoryPage
from cms.page_cache import CSRF_HOLE, project_money_changed, with_csrf_holes
from core import cache as resilient_cache
from marketplace.models import DonationCampaign, ProjectListing
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, publish_project
from tests.factories.payments import open_campaign
from tests.factories.stripe import pay_through_webhook
from tests.helpers import cached

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def cache_state(response):
    return response.get("X-Page-Cache")


def test_a_cached_page_is_served_without_queries(market, django_assert_num_queries):
    url = market["rice"].get_parent().url
    client = Client()

    first = cached(client, url)
    with django_assert_num_queries(0):
        second = get(client, url)
    assert cache_state(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"].startswith("text/html")


def test_publishing_a_project_makes_its_page_and_its_township_page_fresh(market):
    rice = market["rice"]
    client = Client()
    for url in (rice.url, rice.get_parent().url):
        cached(client, url)

    rice.title = "關山好米"
    rice.save_revision().publish()

    for url in (rice.url, rice.get_parent().url):
        fresh = get(client, url)
        assert cache_state(fresh) == "miss"
        assert "關山好米" in fresh.content.decode()


def test_a_change_elsewhere_leaves_a_page_cached(market):
    """Precise: publishing a project in another township does not empty this township's page."""
    rice, bamboo = market["rice"], market["bamboo"]
    client = Client()
    cached(client, rice.get_parent().url)

    bamboo.save_revision().publish()

    assert cache_state(get(client, rice.get_parent().url)) == "hit"


def test_unpublishing_a_project_removes_it_from_its_township_page(market):
    rice = market["rice"]
    client = Client()
    township_url = rice.get_parent().url
    link = f'href="{rice.url}"'
    assert link in cached(client, township_url).content.decode()

    rice.unpublish()

    fresh = get(client, township_url)
    assert cache_state(fresh) == "miss"
    assert link not in fresh.content.decode()


def _pay(listing, email, amount, reference, capture):
    with capture(execute=True):
        pay_through_webhook(listing, UserFactory(email=email), amount, reference)


def rice_campaign(market):
    """(the rice project, its listing with a donation campaign open, its township page's URL)."""
    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    open_campaign(listing, 200_000)
    return rice, listing, rice.get_parent().url


def test_a_payment_makes_the_project_fresh_and_refills_the_money_of_the_pages_listing_it(
    market, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    open_campaign(listing, 200_000)
    home = HomePage.objects.get(locale__language_code="zh-hant")
    HomeFeaturedProject.objects.create(home=home, project=rice, sort_order=0)
    home.save_revision().publish()
    # The project page itself carries the donation form: stored with a hole for the visitor's CSRF token.
    listing_pages = [rice.get_parent().url, home.url]
    client = Client()
    for url in [rice.url, *listing_pages]:
        cached(client, url)
    assert "csrfmiddlewaretoken" in get(client, rice.url).content.decode()

    _pay(listing, "backer@example.tw", 12_345, "cache_1", django_capture_on_commit_callbacks)

    refilled_pages = {}
    for url in [rice.url, *listing_pages]:
        # Served from the stored copy with its money filled again (the card's; the home page's figures too) ...
        refilled_pages[url] = refilled = get(client, url)
        assert cache_state(refilled) == "refilled", url
        # (The project page's progress; the township's card; the home page's card and figures.)
        assert refilled.content.decode().count("12,345") == (2 if url == home.url else 1), url
        # ... and then as it was refilled, without a query.
        with CaptureQueriesContext(connection) as queries:
            again = get(client, url)
        assert cache_state(again) == "hit" and without_tokens(again.content) == without_tokens(refilled.content), url
        assert not queries.captured_queries, url
        assert b"homeward-hole" not in again.content
    # What a render from nothing shows.
    cache.clear()
    for url, refilled in refilled_pages.items():
        assert without_tokens(get(client, url).content) == without_tokens(refilled.content), url
    # A project elsewhere was not touched: its page stays cached.
    bamboo_url = market["bamboo"].url
    cached(client, bamboo_url)
    _pay(listing, "backer2@example.tw", 100, "cache_2", django_capture_on_commit_callbacks)
    assert cache_state(get(client, bamboo_url)) == "hit"


def without_tokens(content):
    """The page without what each response masks anew (the form's CSRF token, the scripts' nonce)."""
    return re.sub(rb'(csrfmiddlewaretoken" value|nonce)="[^"]*"', b"", content)


def test_a_hole_filled_while_a_payment_lands_is_filled_again_by_the_next_visitor(
    market, monkeypatch, django_capture_on_commit_callbacks
):
    """The money of a hole is kept under the generations read before it was read: a payment between the two leaves
    the kept part stale, so the next visitor fills it again rather than seeing the old money until the next one."""
    from marketplace import card_money

    rice, listing, township_url = rice_campaign(market)
    client = Client()
    cached(client, township_url)
    _pay(listing, "first@example.tw", 1_000, "race_1", django_capture_on_commit_callbacks)

    render_card_money = card_money.render_card_money
    landed = []

    def paid_while_rendering(args):
        html = render_card_money(args)  # read 1,000
        if not landed:
            landed.append(True)
            _pay(listing, "second@example.tw", 2_000, "race_2", django_capture_on_commit_callbacks)
        return html

    monkeypatch.setitem(page_cache._hole_kinds, "project-money", paid_while_rendering)
    first = get(client, township_url)
    assert cache_state(first) == "refilled" and "NT$1,000" in first.content.decode()

    second = get(client, township_url)
    assert cache_state(second) == "refilled" and "NT$3,000" in second.content.decode()


def test_a_stored_page_whose_money_cannot_be_read_is_served_with_the_last_money_kept(
    market, monkeypatch, django_capture_on_commit_callbacks
):
    """A hole that fails to render (the database out of reach) leaves the page served, not an error: the part as
    last kept, and nothing kept as current, so the next visitor fills it again."""
    from django.db import OperationalError

    rice, listing, township_url = rice_campaign(market)
    client = Client()
    _pay(listing, "first@example.tw", 1_000, "down_1", django_capture_on_commit_callbacks)
    cached(client, township_url)
    _pay(listing, "second@example.tw", 2_000, "down_2", django_capture_on_commit_callbacks)

    def out_of_reach(args):
        raise OperationalError("the database is out of reach")

    monkeypatch.setitem(page_cache._hole_kinds, "project-money", out_of_reach)
    served = get(client, township_url)
    assert cache_state(served) == "refilled" and "NT$1,000" in served.content.decode()
    monkeypatch.undo()

    again = get(client, township_url)
    assert cache_state(again) == "refilled" and "NT$3,000" in again.content.decode()


def test_a_hole_written_by_a_user_is_shown_as_text_and_never_filled(market):
    """Holes come from templates only: what people write is escaped before it could look like one."""
    marker = "<!--homeward-hole:site-figures:|site-->"
    project = publish_project(GUANSHAN, f"關山 {marker}")
    html = get(Client(), project.get_parent().url).content.decode()

    assert "&lt;!--homeward-hole:site-figures:|site--&gt;" in html
    assert 'class="figure-list"' not in html.split('id="projects-title"')[1]


def test_a_signed_in_reader_sees_the_money_of_kept_parts_filled(market, django_capture_on_commit_callbacks):
    rice, listing, township_url = rice_campaign(market)
    reader = Client()
    reader.force_login(UserFactory())
    get(reader, township_url)

    _pay(listing, "backer@example.tw", 6_789, "signed_1", django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as queries:
        html = get(reader, township_url).content.decode()

    assert "6,789" in html and "homeward-hole" not in html
    # The township's project list was kept (the money only was read again): its page of projects was not queried.
    assert not any('FROM "cms_projectpage"' in query["sql"] for query in queries.captured_queries)


def test_a_payment_folded_into_the_next_live_message_makes_the_pages_fresh_with_that_message(
    market, settings, django_capture_on_commit_callbacks
):
    """payments.live: within a project's live interval, payments are announced together a moment later; the cached
    pages showing the project's totals are made fresh then, with the message, not by each payment."""
    from payments.tasks import send_funding_progress

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIVE_PROGRESS_INTERVAL_SECONDS = 30  # the second payment surely falls in the first one's interval
    rice, listing, township_url = rice_campaign(market)
    client = Client()
    _pay(listing, "first@example.tw", 4_321, "fold_1", django_capture_on_commit_callbacks)
    assert "4,321" in cached(client, rice.url).content.decode()
    cached(client, township_url)

    _pay(listing, "second@example.tw", 1_000, "fold_2", django_capture_on_commit_callbacks)
    assert cache_state(get(client, rice.url)) == "hit", "folded: the page waits for the message"

    send_funding_progress.call(listing.pk)  # what a worker runs at the end of the interval
    fresh = get(client, rice.url)
    assert cache_state(fresh) == "refilled" and "5,321" in fresh.content.decode()
    refilled = get(client, township_url)
    assert cache_state(refilled) == "refilled" and "5,321" in refilled.content.decode()


def test_a_payment_finds_its_projects_generation_without_a_query_the_second_time(market):
    """A payment moves its project's money, wherever the project is shown: the project's key is read once."""
    rice = market["rice"]
    first_time = CaptureQueriesContext(connection)
    with first_time:
        project_money_changed([rice.pk])
    again = CaptureQueriesContext(connection)
    with again:
        project_money_changed([rice.pk])
    assert len(first_time.captured_queries) == 1
    assert len(again.captured_queries) == 0


def test_a_payment_after_a_story_starts_linking_the_project_makes_that_story_fresh(
    market, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    _pay(listing, "first@example.tw", 100, "tree_1", django_capture_on_commit_callbacks)  # remembers rice's pages
    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    story = StoryPage(
        title="關山的稻田",
        slug="guanshan-rice-fields",
        date=datetime.date(2026, 11, 1),
        summary="",
        body=[("paragraph", "<p>稻田</p>")],
        township=Township.objects.get(pk=rice.township_id),
        related_projects=[rice],
    )
    with django_capture_on_commit_callbacks(execute=True):
        index.add_child(instance=story)
        story.save_revision().publish()
    client = Client()
    cached(client, story.url)

    _pay(listing, "second@example.tw", 23_456, "tree_2", django_capture_on_commit_callbacks)

    refilled = get(client, story.url)
    assert cache_state(refilled) == "refilled" and "23,556" in refilled.content.decode()
    assert cache_state(get(client, story.url)) == "hit"


def test_a_payment_after_the_project_moved_makes_its_new_township_page_fresh(
    market, django_capture_on_commit_callbacks
):
    rice, bamboo = market["rice"], market["bamboo"]
    listing = ProjectListing.objects.get(project=rice)
    _pay(listing, "first@example.tw", 100, "move_1", django_capture_on_commit_callbacks)
    new_township_page = bamboo.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        rice.move(new_township_page, pos="last-child")
    client = Client()
    cached(client, new_township_page.url)

    _pay(listing, "second@example.tw", 200, "move_2", django_capture_on_commit_callbacks)

    refilled = get(client, new_township_page.url)
    assert cache_state(refilled) == "refilled" and "NT$300" in refilled.content.decode()


def test_languages_never_mix(market):
    township = township_page_for(Township.objects.get(code=market["rice"].township.code))
    client = Client()
    pages = {
        language: township.get_translation(Locale.objects.get(language_code=language))
        for language in ("zh-hant", "en", "ja")
    }
    first = {language: cached(client, page.url).content for language, page in pages.items()}
    second = {language: get(client, page.url) for language, page in pages.items()}

    html_lang = {"zh-hant": 'lang="zh-Hant-TW"', "en": 'lang="en"', "ja": 'lang="ja"'}
    for language, response in second.items():
        assert cache_state(response) == "hit"
        assert response.content == first[language]
        assert f"<html {html_lang[language]}>" in response.content.decode()
    assert len({response.content for response in second.values()}) == 3


def test_a_signed_in_visitor_never_sees_the_anonymous_copy_nor_leaves_one(market):
    url = market["rice"].get_parent().url
    anonymous = Client()
    cached(anonymous, url)

    signed_in = Client()
    signed_in.force_login(UserFactory(email="reader@example.tw"))
    mine = get(signed_in, url)

    assert cache_state(mine) is None
    assert "data-account-menu" in mine.content.decode()
    # And the anonymous copy is still the anonymous one (the signed-in render was not stored over it).
    again = get(anonymous, url)
    assert cache_state(again) == "hit"
    assert "data-account-menu" not in again.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_render(market, rf):
    url = market["rice"].get_parent().url
    client = Client()
    cached(client, url)
    request = rf.get(url)
    storage = CookieStorage(request)
    storage.add(20, "已送出")
    response = type("R", (), {"set_cookie": lambda self, *a, **k: setattr(self, "cookie", a[1])})()
    storage.update(response)
    client.cookies["messages"] = response.cookie

    shown = get(client, url)

    assert cache_state(shown) is None
    assert "已送出" in shown.content.decode()


def test_a_password_protected_page_is_never_stored(cms_site):
    """The password form now, the page itself once the visitor's session holds the password: never one copy."""
    from wagtail.models import PageViewRestriction

    home = HomePage.objects.get(locale__language_code="zh-hant")
    secret = home.add_child(instance=StandardPage(title="內部", slug="internal"))
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    client = Client()

    for _ in range(2):
        response = get(client, secret.url)
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert cache_state(response) is None


def test_unknown_query_parameters_are_rendered_not_stored(market):
    url = market["rice"].get_parent().url
    client = Client()
    get(client, f"{url}?utm_source=x")
    assert cache_state(get(client, f"{url}?utm_source=x")) is None
    cached(client, f"{url}?page=1")


def test_a_redis_outage_renders_the_page(market, settings):
    url = market["rice"].get_parent().url
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    resilient_cache._outages.clear()
    from django.core.cache import caches

    caches._settings = None  # rebuilt from the new settings on next use
    try:
        client = Client()
        assert get(client, url).status_code == 200
        assert get(client, url).status_code == 200
    finally:
        resilient_cache._outages.clear()


def test_a_translation_published_in_one_language_makes_that_language_fresh(market):
    township = township_page_for(market["rice"].township)
    english = township.get_translation(Locale.objects.get(language_code="en"))
    client = Client()
    cached(client, english.url)

    english.title = "Guanshan, retranslated"
    english.save_revision().publish()

    fresh = get(client, english.url)
    assert cache_state(fresh) == "miss"
    assert "Guanshan, retranslated" in fresh.content.decode()


def _donation_page(market):
    rice = market["rice"]
    DonationCampaign.objects.create(
        listing=ProjectListing.objects.get(project=rice),
        goal_twd=200_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    return rice


def _form_token(response):
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', response.content.decode()))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def test_a_page_with_a_donation_form_is_served_from_the_cache_with_each_visitors_own_token(market):
    rice = _donation_page(market)
    first_visitor = Client(enforce_csrf_checks=True)
    cached(first_visitor, rice.url)

    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [get(visitor, rice.url) for visitor in visitors]

    assert [cache_state(page) for page in pages] == ["hit", "hit"]
    for visitor, page in zip(visitors, pages, strict=True):
        token = _form_token(page)
        secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
        assert _unmask_cipher_token(token) == secret  # their own token, with their own new cookie
        assert CSRF_HOLE.decode() not in page.content.decode()
    assert visitors[0].cookies[settings.CSRF_COOKIE_NAME].value != visitors[1].cookies[settings.CSRF_COOKIE_NAME].value

    # The form posts with the token the cached copy gave: past the CSRF check (the form answers, not a 403) ...
    donate = reverse("payments:donate", kwargs={"project_id": rice.pk})
    accepted = visitors[0].post(donate, {"csrfmiddlewaretoken": _form_token(pages[0]), "amount_twd": "x"})
    assert accepted.status_code != 403
    # ... and another visitor's token from a cached copy is refused, as on any render.
    refused = visitors[0].post(donate, {"csrfmiddlewaretoken": _form_token(pages[1]), "amount_twd": "x"})
    assert refused.status_code == 403


def test_a_visitor_with_a_csrf_cookie_keeps_it_on_a_cached_copy(market):
    rice = _donation_page(market)
    cached(Client(), rice.url)
    visitor = Client(enforce_csrf_checks=True)
    get(visitor, reverse("account_login"))  # the sign-in form gives them a CSRF cookie first
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value

    page = get(visitor, rice.url)

    assert cache_state(page) == "hit"
    assert _unmask_cipher_token(_form_token(page)) == secret


def test_a_render_showing_the_token_outside_a_form_field_is_not_stored(rf):
    request = rf.get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'.encode()

    holed = with_csrf_holes(request, b"<form>" + field + b"</form>")
    assert holed is not None and token.encode() not in holed and CSRF_HOLE in holed

    assert with_csrf_holes(request, field + f'<meta name="csrf" content="{get_token(request)}">'.encode()) is None
    assert with_csrf_holes(request, field + f"<p>{secret}</p>".encode()) is None
    assert with_csrf_holes(request, field + CSRF_HOLE) is None  # text that already looks like the hole


def test_a_view_restriction_added_later_removes_the_stored_copy(market):
    from wagtail.models import PageViewRestriction

    rice = market["rice"]
    client = Client()
    cached(client, rice.url)

    PageViewRestriction.objects.create(page=rice, restriction_type="password", password="x")

    response = get(client, rice.url)
    assert cache_state(response) is None
    assert "password" in response.content.decode().lower()


def test_the_menu_is_kept_per_language_and_follows_a_navigation_change(cms_site):
    """Pages that are never stored (search, the sign-in page) still draw the staff menu from the cache."""
    from wagtail.models import Site

    from cms.models import NavigationSettings

    home = HomePage.objects.get(locale__language_code="zh-hant")
    about = home.add_child(instance=StandardPage(title="關於我們", slug="about"))
    about.save_revision().publish()
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    navigation.menu = [("link", {"page": about, "label": ""})]
    navigation.save()
    client = Client()
    search = reverse("search:page")
    assert f'<a href="{about.url}">關於我們</a>' in get(client, search).content.decode()

    with CaptureQueriesContext(connection) as kept:
        assert f'<a href="{about.url}">關於我們</a>' in get(client, search).content.decode()
    assert not [query for query in kept.captured_queries if "cms_navigationsettings" in query["sql"]]

    navigation.menu = [("link", {"page": about, "label": "團隊"})]
    navigation.save()
    assert f'<a href="{about.url}">團隊</a>' in get(client, search).content.decode()


def test_a_hit_is_served_gzipped_from_the_copy_compressed_once_unless_it_carries_a_token(market):
    import gzip

    township_url = market["rice"].get_parent().url
    client = Client()
    plain = cached(client, township_url)

    zipped = get(client, township_url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert cache_state(zipped) == "hit" and zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content

    rice = _donation_page(market)
    visitor = Client(enforce_csrf_checks=True)
    cached(Client(), rice.url)
    page = get(visitor, rice.url, HTTP_ACCEPT_ENCODING="gzip")
    assert cache_state(page) == "hit" and page["Content-Encoding"] == "gzip"  # compressed for this visitor ...
    html = gzip.decompress(page.content).decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html).group(1)
    assert _unmask_cipher_token(token) == visitor.cookies[settings.CSRF_COOKIE_NAME].value  # ... with their token


def test_the_funding_figures_are_kept_with_the_project_until_a_payment_moves_them(
    market, django_assert_num_queries, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    open_campaign(listing, 200_000)
    url = reverse("payments:funding_progress", kwargs={"project_id": rice.pk})
    client = Client()
    assert client.get(url).json()["raised_twd"] == 0
    with django_assert_num_queries(0):
        assert client.get(url).json() == {"project_id": rice.pk, "raised_twd": 0, "backers": 0, "goal_twd": 200_000}

    _pay(listing, "backer@example.tw", 2_468, "cache_json", django_capture_on_commit_callbacks)
    assert client.get(url).json()["raised_twd"] == 2_468

    rice.unpublish()
    assert client.get(url).status_code == 404
    draft = reverse("payments:funding_progress", kwargs={"project_id": market["draft"].pk})
    assert client.get(draft).status_code == 404
    assert client.get(draft).status_code == 404


def test_a_render_reads_each_generation_from_the_cache_once(market, monkeypatch):
    township_url = market["rice"].get_parent().url
    client = Client()
    cached(client, township_url)
    project_money_changed([market["rice"].pk])  # the page and its project list render again, around kept parts

    from django.core.cache import caches

    backend = caches["default"]
    read, get_many = [], backend.get_many

    def reading(keys, *args, **kwargs):
        read.extend(key for key in keys if key.startswith("cms:page-gen:"))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", reading)
    assert cache_state(get(client, township_url)) != "hit"

    assert read and len(read) == len(set(read)), read


def test_a_generation_moved_during_a_request_is_read_again_by_the_rest_of_it():
    from cms import page_cache
    from cms.read_once import ReadOncePerRequestMiddleware

    seen = []

    def view(request):
        seen.append(page_cache._current_generations(["test-during-a-request"])["test-during-a-request"])
        seen.append(page_cache._current_generations(["test-during-a-request"])["test-during-a-request"])
        page_cache.bump(["test-during-a-request"])
        seen.append(page_cache._current_generations(["test-during-a-request"])["test-during-a-request"])
        return None

    ReadOncePerRequestMiddleware(view)(None)

    assert seen[0] == seen[1] != seen[2]
