"""Shared fragments (cms.page_cache.shared_fragment), on the real Redis: a signed-in reader's render takes the parts
every visitor sees alike from the cache, without their queries, and they are fresh the moment what they show
changes (publish, unpublish, payment), as the anonymous page cache is."""

import datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation
from cms.models import HomePage, ProjectPage, StoryIndexPage
from cms.page_cache import FRAGMENT_ATTRIBUTE, HOLES_ATTRIBUTE, page_served, shared_fragment
from experiences.models import Experience, Slot
from marketplace.models import DonationCampaign, ProjectListing
from people.models import HelpRequest
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.stripe import pay_through_webhook
from tests.helpers import cached

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


def render(client, url):
    """(html, queries) of a signed-in render of `url`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response.get("X-Page-Cache") is None  # a signed-in page is never the stored copy
    return response.content.decode(), len(queries.captured_queries)


def settled(client, url):
    """Render until two renders in a row are alike (the first request of a site makes its navigation settings, a
    site-wide change); returns (html, queries) of the last."""
    previous = render(client, url)
    for _ in range(3):
        current = render(client, url)
        if current[1] == previous[1]:
            return current
        previous = current
    return current


@pytest.mark.parametrize("which", ["home", "township", "story index"])
def test_a_signed_in_render_takes_the_shared_parts_from_the_cache(market, reader, settings, which):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    url = {
        "home": home.url,
        "township": market["rice"].get_parent().url,
        "story index": StoryIndexPage.objects.get(locale=home.locale).url,
    }[which]
    settings.PAGE_CACHE_ENABLED = False
    uncached, uncached_queries = settled(reader, url)
    settings.PAGE_CACHE_ENABLED = True
    render(reader, url)  # stores the fragments
    cached, cached_queries = render(reader, url)

    assert cached_queries < uncached_queries
    assert "data-account-menu" in cached  # the reader's own header, rendered for them
    main = cached[cached.index("<main") :]
    assert main == uncached[uncached.index("<main") :]


def test_a_render_reads_the_kept_parts_of_its_page_in_one_round_trip(market, reader, monkeypatch):
    from django.core.cache import caches

    url = market["rice"].get_parent().url
    settled(reader, url)
    backend = type(caches["default"])
    reads = []

    def recording(method):
        real = getattr(backend, method)

        def reading(self, keys, *args, **kwargs):
            reads.append((method, keys))
            return real(self, keys, *args, **kwargs)

        return reading

    for method in ("get", "get_many"):
        monkeypatch.setattr(backend, method, recording(method))

    render(reader, url)

    fragment_reads = [(method, keys) for method, keys in reads if "cms:fragment:" in str(keys)]
    assert [method for method, _keys in fragment_reads] == ["get_many"]
    assert len(fragment_reads[0][1]) == 5  # head, about, projects, live, stories


def test_publishing_and_unpublishing_a_project_shows_at_once_to_a_signed_in_reader(market, reader):
    rice = market["rice"]
    township = rice.get_parent()
    link = f'href="{rice.url}"'
    settled(reader, township.url)
    assert link in render(reader, township.url)[0]

    rice.unpublish()
    assert link not in render(reader, township.url)[0]

    newcomer = township.add_child(instance=ProjectPage(title="新來的專案", slug="newcomer"))
    newcomer.save_revision().publish()
    assert "新來的專案" in render(reader, township.url)[0]


def test_a_payment_moves_the_figures_a_signed_in_reader_sees(market, reader, django_capture_on_commit_callbacks):
    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=200_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    home = HomePage.objects.get(locale__language_code="zh-hant")
    for url in (home.url, rice.get_parent().url):
        settled(reader, url)

    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(listing, UserFactory(email="backer@example.tw"), 12_345, "fragment_1")

    assert "12,345" in render(reader, home.url)[0]
    assert "12,345" in render(reader, rice.get_parent().url)[0]


def test_query_strings_the_page_does_not_read_are_rendered_not_kept(market):
    page = market["rice"].get_parent()
    request = RequestFactory().get(page.url + "?utm_source=newsletter")
    page_served(page, request)
    assert shared_fragment(request, page, "a", lambda: "first") == "first"
    assert shared_fragment(request, page, "a", lambda: "second") == "second"


def served_request(page, fills_holes=True):
    """A request for `page` as Wagtail serves it, having passed the middleware that fills holes (or not)."""
    request = RequestFactory().get(page.url)
    if fills_holes:
        setattr(request, HOLES_ATTRIBUTE, True)
    page_served(page, request)
    return request


def test_a_part_showing_money_is_kept_only_for_a_response_whose_holes_are_filled(market):
    """Its money is in holes: outside the middleware that fills them, the part is rendered with its money in it,
    which a payment would leave stale, so it is never kept; a part showing no money is kept either way."""
    page = market["rice"].get_parent()
    request = served_request(page, fills_holes=False)
    assert shared_fragment(request, page, "money", lambda: "first") == "first"
    assert shared_fragment(request, page, "money", lambda: "second") == "second"
    assert shared_fragment(request, page, "words", lambda: "first", shows_money=False) == "first"
    assert shared_fragment(request, page, "words", lambda: "second", shows_money=False) == "first"


def test_a_part_carrying_a_form_is_never_kept(market):
    page = market["rice"].get_parent()
    request = served_request(page)
    assert getattr(request, FRAGMENT_ATTRIBUTE)[0] == page.pk
    renders = []

    def with_a_form():
        renders.append(1)
        return '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>'

    for _ in range(2):
        assert "abc" in shared_fragment(request, page, "form", with_a_form)
    assert len(renders) == 2


def test_a_part_is_kept_per_page_name_and_language(market):
    from django.utils import translation

    page = market["rice"].get_parent()
    request = served_request(page)
    calls = []

    def part(text):
        def render():
            calls.append(text)
            return text

        return render

    assert shared_fragment(request, page, "a", part("A")) == "A"
    assert shared_fragment(request, page, "a", part("changed")) == "A"  # kept
    assert shared_fragment(request, page, "b", part("B")) == "B"  # another part of the page
    with translation.override("ja"):
        assert shared_fragment(request, page, "a", part("ja")) == "ja"  # another language
    other = market["bamboo"].get_parent()
    assert shared_fragment(request, other, "a", part("other page")) == "other page"  # not the served page: rendered
    assert calls == ["A", "B", "ja", "other page"]


def test_a_preview_and_a_page_cache_turned_off_always_render(market, settings):
    page = market["rice"].get_parent()
    request = served_request(page)
    request.is_preview = True
    assert shared_fragment(request, page, "a", lambda: "first") == "first"
    assert shared_fragment(request, page, "a", lambda: "second") == "second"

    settings.PAGE_CACHE_ENABLED = False
    request = served_request(page)
    assert shared_fragment(request, page, "a", lambda: "third") == "third"
    assert shared_fragment(request, page, "a", lambda: "fourth") == "fourth"


def test_a_part_is_kept_no_longer_than_it_says_it_holds(market):
    page = market["rice"].get_parent()
    request = served_request(page)
    passed = timezone.now() - datetime.timedelta(seconds=1)
    later = timezone.now() + datetime.timedelta(hours=1)

    assert shared_fragment(request, page, "over", lambda: "first", valid_until=lambda: passed) == "first"
    assert shared_fragment(request, page, "over", lambda: "second", valid_until=lambda: passed) == "second"
    assert shared_fragment(request, page, "holds", lambda: "first", valid_until=lambda: later) == "first"
    assert shared_fragment(request, page, "holds", lambda: "second", valid_until=lambda: later) == "first"
    assert shared_fragment(request, page, "open", lambda: "first", valid_until=lambda: None) == "first"
    assert shared_fragment(request, page, "open", lambda: "second", valid_until=lambda: None) == "first"


# --- what other apps show on a township page (cms.township_sections) -------------------------------------------------


def _guanshan():
    from tests.factories.market import GUANSHAN

    return Township.objects.get(code=GUANSHAN)


def _office(market):
    from accounts import actions as account_actions

    return account_actions.create_organisation(
        market["erin"], kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", township=_guanshan()
    )


def an_office_registers(market):
    _office(market)
    return "關山鎮公所"


def an_enterprise_is_renamed(market):
    organisation = market["enterprise_org"]
    organisation.name = "關山米食堂與稻田"
    organisation.save()
    return "關山米食堂與稻田"


def a_help_request_is_posted(market):
    today = timezone.localdate()
    HelpRequest.objects.create(
        organisation=_office(market),
        title="秋收志工召募",
        description="幫忙割稻",
        field=HelpRequest._meta.get_field("field").choices[0][0],
        township=_guanshan(),
        work_format=HelpRequest._meta.get_field("work_format").choices[0][0],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=10),
    )
    return "秋收志工召募"


def an_experience_gets_a_slot(market):
    experience = Experience.objects.create(
        organisation=_office(market),
        kind=Experience.Kind.EXPERIENCE,
        title_zh="稻田腳踏車導覽",
        title_en="Rice-field bike tour",
        description_zh="騎車看稻田",
        township=_guanshan(),
        is_published=True,
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    ends = starts + datetime.timedelta(hours=2)
    Slot.objects.create(experience=experience, starts_at=starts, ends_at=ends, capacity=9)
    return "稻田腳踏車導覽"


def official_figures_are_imported(market):
    from datahub.actions import import_figures
    from datahub.models import Indicator

    Indicator.objects.create(code="test_rice", name_zh="稻作面積", name_en="Rice area", name_ja="稲作面積", unit="ha")
    import_figures(
        f"indicator,unit,period,code,value\ntest_rice,ha,2025,{_guanshan().code},1234\n",
        file_name="rice.csv",
        source="TEST DATA",
        licence="test licence",
        source_date=datetime.date(2026, 1, 31),
    )
    return "稻作面積"


@pytest.mark.parametrize(
    "change",
    [
        an_office_registers,
        an_enterprise_is_renamed,
        a_help_request_is_posted,
        an_experience_gets_a_slot,
        official_figures_are_imported,
    ],
)
def test_what_other_apps_show_on_a_township_page_shows_at_once(market, reader, change):
    url = market["rice"].get_parent().url
    anonymous = Client()
    settled(reader, url)
    assert cached(anonymous, url).get("X-Page-Cache") == "hit"

    shown = change(market)

    assert shown in render(reader, url)[0]
    fresh = anonymous.get(url)
    assert fresh.get("X-Page-Cache") == "miss"
    assert shown in fresh.content.decode()


def test_the_township_sections_say_when_they_change_by_themselves(market):
    from cms.township_sections import township_sections

    assert township_sections(_guanshan(), None).valid_until is None  # nothing dated shown
    a_help_request_is_posted(market)
    last_day = timezone.localdate() + datetime.timedelta(days=10)
    end_of_request = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))
    assert township_sections(_guanshan(), None).valid_until == end_of_request
    an_experience_gets_a_slot(market)
    first_slot = Slot.objects.get(experience__title_zh="稻田腳踏車導覽").starts_at
    assert township_sections(_guanshan(), None).valid_until == first_slot


def _township_page_of(project):
    return project.get_parent().url


def test_a_row_of_one_township_leaves_the_other_township_pages_kept(market):
    """An enterprise's profile names its township: saving it makes that township's pages stale, not every
    township's (1,104 pages, most read less than once an hour, would each meet a render)."""
    guanshan, kouhu, zhushan = (_township_page_of(market[name]) for name in ("rice", "oysters", "bamboo"))
    anonymous = Client()
    for url in (guanshan, kouhu, zhushan):
        cached(anonymous, url)

    enterprise = market["enterprise"]
    enterprise.summary = "關山的米食堂"
    enterprise.save()

    assert anonymous.get(guanshan).get("X-Page-Cache") == "miss"
    assert anonymous.get(kouhu).get("X-Page-Cache") == "hit"
    assert anonymous.get(zhushan).get("X-Page-Cache") == "hit"


def test_a_row_moving_to_another_township_makes_the_pages_of_both_stale(market):
    guanshan, kouhu, zhushan = (_township_page_of(market[name]) for name in ("rice", "oysters", "bamboo"))
    anonymous = Client()
    for url in (guanshan, kouhu, zhushan):
        cached(anonymous, url)

    enterprise = market["enterprise"]
    enterprise.township = market["oysters"].township
    enterprise.save(update_fields=["township_id"])

    for url in (guanshan, kouhu):
        assert anonymous.get(url).get("X-Page-Cache") == "miss", url
    assert anonymous.get(zhushan).get("X-Page-Cache") == "hit"
    assert market["enterprise_org"].name in _enterprises_shown(anonymous.get(kouhu))
    assert market["enterprise_org"].name not in _enterprises_shown(anonymous.get(guanshan))


def _enterprises_shown(response):
    html = response.content.decode()
    return html[html.index('id="enterprises-title"') :].split("</section>", 1)[0]


def test_an_organisation_makes_the_pages_of_the_townships_it_shows_on_stale(market):
    """An organisation's name shows beside its enterprise profile, experiences and help requests, and a county
    government's on every township page of its county: renaming one makes those pages stale, and only those."""
    from accounts import actions as account_actions

    guanshan, kouhu, zhushan = (_township_page_of(market[name]) for name in ("rice", "oysters", "bamboo"))
    county = market["rice"].township.county
    government = account_actions.create_organisation(
        market["erin"], kind=Organisation.Kind.COUNTY_GOVERNMENT, name="臺東縣政府", county=county
    )
    anonymous = Client()
    for url in (guanshan, kouhu, zhushan):
        cached(anonymous, url)

    an_enterprise_is_renamed(market)  # its enterprise profile is in Guanshan
    assert anonymous.get(guanshan).get("X-Page-Cache") == "miss"
    assert anonymous.get(kouhu).get("X-Page-Cache") == "hit"

    government.name = "臺東縣政府（新）"
    government.save()
    assert "臺東縣政府（新）" in anonymous.get(guanshan).content.decode()
    assert anonymous.get(kouhu).get("X-Page-Cache") == "hit"
    assert anonymous.get(zhushan).get("X-Page-Cache") == "hit"


def test_official_figures_make_every_township_page_stale(market):
    kouhu, zhushan = (_township_page_of(market[name]) for name in ("oysters", "bamboo"))
    anonymous = Client()
    for url in (kouhu, zhushan):
        cached(anonymous, url)

    official_figures_are_imported(market)

    for url in (kouhu, zhushan):
        assert anonymous.get(url).get("X-Page-Cache") == "miss", url


def test_a_slot_makes_the_pages_of_its_experiences_township_stale(market):
    guanshan, kouhu = (_township_page_of(market[name]) for name in ("rice", "oysters"))
    anonymous = Client()
    an_experience_gets_a_slot(market)
    for url in (guanshan, kouhu):
        cached(anonymous, url)

    slot = Slot.objects.get(experience__title_zh="稻田腳踏車導覽")
    slot.capacity = 12
    slot.save(update_fields=["capacity"])

    assert anonymous.get(guanshan).get("X-Page-Cache") == "miss"
    assert anonymous.get(kouhu).get("X-Page-Cache") == "hit"
    slot.delete()
    assert anonymous.get(guanshan).get("X-Page-Cache") == "miss"
    assert anonymous.get(kouhu).get("X-Page-Cache") == "hit"
