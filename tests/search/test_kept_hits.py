"""A page of search hits shows each project and story from values kept per page and language
(cms.page_cache.values_of_pages): the same cards as a fresh render, without their queries, and fresh again the
moment the page is translated or paid. And anonymous visitors asking the same thing share one rendered search page
(search.views.search_page) until an index, a synonym or a page it shows changes, for SEARCH_PAGE_CACHE_SECONDS at
most. The tests of kept values ask a second URL for the same results (`page=1`), which that shared page does not
answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.actions import ensure_language_versions
from cms.models import NavigationSettings
from tests.factories.accounts import UserFactory
from tests.factories.payments import open_campaign
from tests.factories.search import GUANSHAN, content_engines, indexed_enterprise, publish_indexed_project
from tests.factories.stripe import pay_through_webhook
from tests.helpers import translation_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.elasticsearch,
    pytest.mark.redis,
    pytest.mark.usefixtures("page_cache_on"),
]


def search(client, language, q, **parameters):
    """(the results list's HTML, the queries the page made)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/{language}/search/", {"q": q, **parameters})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<ol class="results">')
    return html[start : html.index("</ol>", start)], len(queries.captured_queries)


@pytest.fixture
def rice(content_site, django_capture_on_commit_callbacks):
    """A Chinese project with a donation campaign, its English and Japanese aliases, indexed."""
    from marketplace.models import ProjectListing

    page = publish_indexed_project(
        "關山有機米食堂", GUANSHAN, django_capture_on_commit_callbacks, summary="返鄉青年用在地稻米"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ensure_language_versions()
    enterprise = indexed_enterprise("關山米食團隊", GUANSHAN, django_capture_on_commit_callbacks)
    listing = ProjectListing.objects.create(project=page, enterprise=enterprise)
    open_campaign(listing, 200_000)
    content_engines()  # refreshes the indexes: what was just written is searchable
    NavigationSettings.for_site(Site.objects.get(is_default_site=True))  # made by the first render otherwise
    return page


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_kept_hits_show_the_cards_of_a_fresh_render_without_their_queries(rice, client, settings, language):
    settings.PAGE_CACHE_ENABLED = False
    fresh, _queries = search(client, language, "米食")
    settings.PAGE_CACHE_ENABLED = True
    computed, computing_queries = search(client, language, "米食")
    kept, kept_queries = search(client, language, "米食", page=1)

    assert "200,000" in fresh and "關山米食團隊" in fresh, "the card shows its campaign and team"
    assert computed == fresh and kept == fresh
    # The version in the reader's language (1), the project page, its listing, totals and backers (4) are kept.
    assert kept_queries <= computing_queries - 5, (computing_queries, kept_queries)


def test_a_payment_shows_in_a_kept_card_at_once(rice, client, django_capture_on_commit_callbacks):
    from marketplace.models import ProjectListing

    before, _queries = search(client, "zh-hant", "米食")
    assert "NT$200,000 的 0%" in before
    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(ProjectListing.objects.get(project=rice), UserFactory(), 12_345, "kept_hits_1")

    after, _queries = search(client, "zh-hant", "米食")
    assert "NT$12,345" in after and "NT$200,000 的 6%" in after


def test_a_translation_published_shows_in_a_kept_hit_at_once(rice, client, django_capture_on_commit_callbacks):
    before, _queries = search(client, "en", "米食")
    assert '<h3 lang="zh-Hant-TW">' in before, "the English alias shows the Chinese title"

    with django_capture_on_commit_callbacks(execute=True):
        english = translation_of(rice, "en")
        english.title, english.summary = "Guanshan organic rice canteen", "Returning youth cook local rice"
        english.save_revision().publish()
    content_engines()

    after, _queries = search(client, "en", "米食")
    assert '<h3 lang="en">' in after and "Guanshan organic rice canteen" in after
    assert f'href="{english.url}"' in after
    zh, _queries = search(client, "zh-hant", "米食")
    assert f'<h3 lang="zh-Hant-TW"><a href="{rice.url}">' in zh, "the Chinese page's values are its own"


def test_a_new_goal_and_a_renamed_team_show_in_a_kept_card_at_once(rice, client, django_capture_on_commit_callbacks):
    from marketplace.models import DonationCampaign

    before, _queries = search(client, "zh-hant", "米食")
    assert "NT$200,000" in before and "關山米食團隊" in before

    campaign = DonationCampaign.objects.get(listing__project=rice)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.goal_twd = 300_000
        campaign.save()
    assert "NT$300,000" in search(client, "zh-hant", "米食")[0]

    organisation = campaign.listing.enterprise.organisation
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "關山好米團隊"
        organisation.save()
    assert "關山好米團隊" in search(client, "zh-hant", "米食")[0]


def test_a_kept_card_carries_its_picture_rendition_made_once(rice, client):
    """A picture kept with a card carries its card rendition: a later page reads it without making it again (Wagtail
    makes a rendition missing from a prefetched list anew, the resize included, each time it is asked)."""
    from cms.models import CustomRendition
    from tests.factories.cms import make_image

    rice.hero_image = make_image("rice field", size=(960, 600))
    rice.save_revision().publish()
    assert not CustomRendition.objects.filter(image=rice.hero_image).exists(), "no rendition made yet"

    first, _queries = search(client, "zh-hant", "米食")
    made = CustomRendition.objects.get(image=rice.hero_image)
    assert made.file.name.rsplit("/", 1)[-1] in first, "the card shows it"

    with CaptureQueriesContext(connection) as queries:
        again, _count = search(client, "zh-hant", "米食", page=1)
    assert again == first
    assert not [query for query in queries.captured_queries if "customrendition" in query["sql"]]
    assert CustomRendition.objects.filter(image=rice.hero_image).get() == made


def test_a_picture_whose_file_is_lost_still_shows_its_card(rice, client):
    """A picture whose original file is gone cannot be resized: the card is shown with the template's placeholder,
    as before values were kept, and the page answers."""
    from tests.factories.cms import make_image

    image = make_image("lost field", size=(960, 600))
    image.file.storage.delete(image.file.name)
    rice.hero_image = image
    rice.save_revision().publish()

    for parameters in ({}, {"page": 1}):  # computed, then kept
        results, _queries = search(client, "zh-hant", "米食", **parameters)
        assert "NT$200,000" in results, "the project's card is there"


def page_of(client, q):
    return client.get("/zh-hant/search/", {"q": q}).content.decode()


def test_anonymous_visitors_share_one_search_page_until_an_index_write(rice, client):
    from cms.models import ProjectPage
    from search.indexing import update_documents

    first, _queries = search(client, "zh-hant", "米食")
    again, queries = search(client, "zh-hant", "米食")
    assert again == first and queries == 0, "the second visitor gets the first one's page"
    assert f'href="{rice.url}"' not in page_of(client, "合鴨")

    # A change that reaches the index without passing through the page cache's own invalidation: the index write
    # alone makes the kept search pages stale.
    ProjectPage.objects.filter(pk=rice.pk).update(summary="返鄉青年用合鴨農法種的在地稻米")
    update_documents("projects", [rice.pk])
    content_engines()
    assert f'href="{rice.url}"' in page_of(client, "合鴨")


def test_a_synonym_saved_by_staff_shows_in_the_shared_search_page_at_once(rice, client):
    from search.actions import save_synonym_entry
    from search.models import SynonymEntry
    from search.synonyms import forget_compiled

    assert f'href="{rice.url}"' not in page_of(client, "蓬萊飯館")
    staff = UserFactory(is_superuser=True, is_staff=True)
    save_synonym_entry(staff, SynonymEntry(terms_zh="蓬萊飯館, 米食堂", note="test"))
    forget_compiled()  # what the commit does in the staff member's process (the test's transaction never commits)
    assert f'href="{rice.url}"' in page_of(client, "蓬萊飯館")


def test_a_signed_in_visitor_and_an_incomplete_answer_are_never_shared(rice, client, settings):
    from search import engines

    client.force_login(UserFactory())
    search(client, "zh-hant", "米食")
    assert search(client, "zh-hant", "米食")[1] > 0, "a signed-in visitor's page is rendered for them"
    client.logout()

    reachable = settings.HOMEWARD_SEARCH
    settings.HOMEWARD_SEARCH = {**reachable, "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    engines._elasticsearch_client.cache_clear()
    try:
        down = client.get("/en/search/", {"q": "米食"})
    finally:
        settings.HOMEWARD_SEARCH = reachable
        engines._elasticsearch_client.cache_clear()
    assert "results may be incomplete" in down.content.decode()
    assert "no-store" in down["Cache-Control"]
    back = client.get("/en/search/", {"q": "米食"})
    assert "results may be incomplete" not in back.content.decode(), "Elasticsearch's answer, not the one kept"


def test_a_shared_search_page_lives_at_most_search_page_cache_seconds(rice, client, settings):
    import time

    settings.SEARCH_PAGE_CACHE_SECONDS = 1
    search(client, "zh-hant", "米食")
    assert search(client, "zh-hant", "米食")[1] == 0
    time.sleep(1.3)
    assert search(client, "zh-hant", "米食")[1] > 0
