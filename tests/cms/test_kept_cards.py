"""Cards kept one by one ({% project_card_list %}, {% story_cards %}: cms_tags.kept_cards) and a page's money kept
apart from its content (cms.page_cache.money_of), on the real Redis: after a payment a page renders the paid
project's card and the parts showing money again, and takes the rest from the cache; what it shows is what a
render from nothing shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import HomeFeaturedProject, HomeFeaturedStory, HomePage, StoryIndexPage, StoryPage
from marketplace import presentation
from marketplace.models import DonationCampaign, ProjectListing
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, publish_project
from tests.factories.stripe import pay_through_webhook

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def campaign(market):
    return DonationCampaign.objects.create(
        listing=ProjectListing.objects.get(project=market["rice"]),
        goal_twd=200_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )


@pytest.fixture
def read_cards(monkeypatch):
    """What was read for cards, call by call: ("facts", ids) read from the database, ("money", ids) from the ledger."""
    calls = []
    read_facts, add_money = presentation.read_project_cards, presentation.add_money

    def reading_facts(project_ids, **options):
        calls.append(("facts", sorted(project_ids)))
        return read_facts(project_ids, **options)

    def adding_money(cards):
        calls.append(("money", sorted(card.project.pk for card in cards)))
        return add_money(cards)

    monkeypatch.setattr(presentation, "read_project_cards", reading_facts)
    monkeypatch.setattr(presentation, "add_money", adding_money)
    return calls


def render(client, url):
    """(html of <main>, the SQL of the request)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[html.index("<main") :], [query["sql"] for query in queries.captured_queries]


def reads_from(sql, table):
    return any(f'FROM "{table}"' in statement for statement in sql)


def settle(client, url):
    """Render until nothing is left to keep (the site's first request makes its navigation settings)."""
    for _ in range(3):
        render(client, url)


def pay(listing, amount, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(listing, UserFactory(email=f"{key}@example.tw"), amount, key)


def test_after_a_payment_a_township_page_renders_only_the_paid_card_and_keeps_what_shows_no_money(
    market, campaign, reader, read_cards, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    tea = publish_project(GUANSHAN, "關山茶")  # a second card on the same township page
    url = rice.get_parent().url
    settle(reader, url)
    read_cards.clear()

    pay(campaign.listing, 12_345, "kept_1", django_capture_on_commit_callbacks)
    html, sql = render(reader, url)

    assert "12,345" in html
    assert "關山茶" in html and f'href="{tea.url}"' in html  # the other card, from the cache
    assert read_cards == [("money", [rice.pk])]  # the paid card's facts were kept too
    # The paid card's stale entry named its generations: its page's translation key was not read again.
    assert not any('"translation_key" AS "translation_key" FROM' in statement for statement in sql)
    # The sections other apps add, the township's head, its stories and its page of project ids were kept: none of
    # their queries ran.
    tables = ("people_helprequest", "experiences_experience", "marketplace_enterpriseprofile", "cms_storypage")
    for table in (*tables, "cms_projectpage"):
        assert not reads_from(sql, table), table

    # What a render from nothing shows.
    from django.core.cache import cache

    cache.clear()
    assert render(reader, url)[0] == html


def test_a_change_of_the_page_itself_renders_its_parts_again(market, reader):
    township_page = market["rice"].get_parent().specific
    settle(reader, township_page.url)

    township_page.save_revision().publish()
    _html, sql = render(reader, township_page.url)

    assert reads_from(sql, "people_helprequest")


def test_after_a_payment_the_home_page_shows_the_new_figures_and_keeps_its_other_parts(
    market, campaign, reader, read_cards, django_capture_on_commit_callbacks
):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    HomeFeaturedProject.objects.create(home=home, project=market["rice"], sort_order=0)
    HomeFeaturedProject.objects.create(home=home, project=market["bamboo"], sort_order=1)
    story = StoryIndexPage.objects.get(locale=home.locale).add_child(
        instance=StoryPage(title="稻田的故事", slug="rice-story", date=datetime.date(2026, 11, 1))
    )
    story.save_revision().publish()
    HomeFeaturedStory.objects.create(home=home, story=story, sort_order=0)
    home.save_revision().publish()
    settle(reader, home.url)
    read_cards.clear()

    pay(campaign.listing, 23_456, "kept_2", django_capture_on_commit_callbacks)
    html, sql = render(reader, home.url)

    assert html.count("23,456") == 2  # the figures and the featured card
    assert "竹山竹藝" in html and "稻田的故事" in html
    # Only the paid card was read again (its facts too when the first render took the pages the hero had read).
    assert {tuple(ids) for _what, ids in read_cards} == {(market["rice"].pk,)}
    assert ("money", [market["rice"].pk]) in read_cards
    assert not reads_from(sql, "cms_homefeaturedstory")  # the stories' part was kept
    assert not reads_from(sql, "cms_homefeaturedproject")  # and the choice of featured projects


def test_the_home_page_follows_its_featured_projects_being_unpublished_and_chosen_again(market, reader):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    HomeFeaturedProject.objects.create(home=home, project=market["rice"], sort_order=0)
    HomeFeaturedProject.objects.create(home=home, project=market["bamboo"], sort_order=1)
    home.save_revision().publish()
    settle(reader, home.url)
    html = render(reader, home.url)[0]
    assert market["rice"].title in html and market["bamboo"].title in html

    market["bamboo"].unpublish()
    html = render(reader, home.url)[0]
    assert market["rice"].title in html and market["bamboo"].title not in html

    home = HomePage.objects.get(pk=home.pk)
    home.featured_projects.all().delete()
    home.save_revision().publish()
    html = render(reader, home.url)[0]
    assert market["rice"].title not in html


def test_a_kept_card_counts_its_days_from_the_day_it_is_shown(market, campaign, reader, monkeypatch):
    url = market["rice"].get_parent().url
    settle(reader, url)
    assert "剩 30 天" in render(reader, url)[0]

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    html = render(reader, url)[0]

    assert "剩 29 天" in html and "剩 30 天" not in html


def test_the_story_index_after_a_new_story_renders_that_card_only(market, reader, monkeypatch):
    from cms.templatetags import cms_tags

    home = HomePage.objects.get(locale__language_code="zh-hant")
    index = StoryIndexPage.objects.get(locale=home.locale)
    for number in range(3):
        index.add_child(
            instance=StoryPage(title=f"故事 {number}", slug=f"story-{number}", date=datetime.date(2026, 11, number + 1))
        ).save_revision().publish()
    settle(reader, index.url)
    read = []
    real = cms_tags._stories_for_cards
    monkeypatch.setattr(cms_tags, "_stories_for_cards", lambda ids: read.append(sorted(ids)) or real(ids))

    newcomer = index.add_child(instance=StoryPage(title="新故事", slug="newcomer", date=datetime.date(2026, 11, 20)))
    newcomer.save_revision().publish()
    html = render(reader, index.url)[0]

    assert read == [[newcomer.pk]]
    assert html.index("新故事") < html.index("故事 2") < html.index("故事 0")  # newest first, as before


def test_a_change_of_a_listing_shows_on_the_cards_at_once(
    market, campaign, reader, read_cards, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    url = rice.get_parent().url
    settle(reader, url)
    assert "剩 30 天" in render(reader, url)[0]
    read_cards.clear()

    campaign.deadline = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        campaign.save()
    html = render(reader, url)[0]

    assert "剩 10 天" in html and "剩 30 天" not in html
    assert read_cards == [("facts", [rice.pk]), ("money", [rice.pk])]


def test_after_a_payment_a_project_page_renders_its_funding_panel_and_keeps_its_story(
    market, campaign, reader, django_capture_on_commit_callbacks
):
    import re

    from django.core.cache import cache

    url = market["rice"].url
    settle(reader, url)

    pay(campaign.listing, 34_567, "kept_3", django_capture_on_commit_callbacks)
    html, sql = render(reader, url)

    assert "34,567" in html
    # The head, the introduction and the story (team, milestones, questions, the township's page) were kept.
    for table in ("marketplace_milestone", "marketplace_question", "marketplace_enterpriseprofile"):
        assert not reads_from(sql, table), table

    def without_tokens(text):  # each render masks the form's token and the scripts' nonce anew
        return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", text)

    cache.clear()
    assert without_tokens(render(reader, url)[0]) == without_tokens(html)


def test_after_a_payment_a_story_renders_the_paid_card_only_and_keeps_its_text(
    market, campaign, reader, read_cards, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    home = HomePage.objects.get(locale__language_code="zh-hant")
    story = StoryIndexPage.objects.get(locale=home.locale).add_child(
        instance=StoryPage(title="稻米回家", slug="rice-home", date=datetime.date(2026, 11, 2))
    )
    story.related_projects = [market["rice"]]
    story.save_revision().publish()
    settle(reader, story.url)
    read_cards.clear()

    pay(campaign.listing, 45_678, "kept_4", django_capture_on_commit_callbacks)
    html, sql = render(reader, story.url)

    assert "45,678" in html and "稻米回家" in html
    assert read_cards == [("money", [market["rice"].pk])]  # the card's facts were kept
    assert not reads_from(sql, "taggit_tag")  # the story's own part (text, tags) was kept
    assert not any("cms_storypage_related_projects" in statement for statement in sql)  # and the projects it links

    cache.clear()
    assert render(reader, story.url)[0] == html


def test_a_story_stops_showing_a_project_that_is_unpublished_or_no_longer_linked(market, reader):
    home = HomePage.objects.get(locale__language_code="zh-hant")
    story = StoryIndexPage.objects.get(locale=home.locale).add_child(
        instance=StoryPage(title="兩個計畫", slug="two-projects", date=datetime.date(2026, 11, 3))
    )
    story.related_projects = [market["rice"], market["bamboo"]]
    story.save_revision().publish()
    settle(reader, story.url)
    html = render(reader, story.url)[0]
    assert market["rice"].title in html and market["bamboo"].title in html

    market["rice"].unpublish()
    html = render(reader, story.url)[0]
    assert market["rice"].title not in html and market["bamboo"].title in html

    story.related_projects = []
    story.save_revision().publish()
    html = render(reader, story.url)[0]
    assert market["bamboo"].title not in html and "兩個計畫" in html


def test_a_project_published_in_a_township_renders_its_list_and_keeps_the_rest_of_the_page(market, reader):
    """A project published under a township page moves that page's lists (cms.page_cache.lists_of), not its head,
    figures or what other apps add (`lists_no_pages`)."""
    url = market["rice"].get_parent().url
    settle(reader, url)

    tea = publish_project(GUANSHAN, "關山茶")
    html, sql = render(reader, url)

    assert "關山茶" in html and f'href="{tea.url}"' in html
    for table in ("people_helprequest", "experiences_experience", "marketplace_enterpriseprofile", "datahub_"):
        assert not any(f'FROM "{table}' in statement for statement in sql), table

    from django.core.cache import cache

    cache.clear()
    assert render(reader, url)[0] == html


def test_a_project_moved_away_leaves_the_list_of_its_old_township(market, reader):
    rice, bamboo = market["rice"], market["bamboo"]
    old_url = rice.get_parent().url
    settle(reader, old_url)
    assert f'href="{rice.url}"' in render(reader, old_url)[0]

    rice.move(bamboo.get_parent(), pos="last-child")
    rice.refresh_from_db()

    assert ">關山米</a>" not in render(reader, old_url)[0]
    assert f'href="{rice.url}"' in render(reader, bamboo.get_parent().url)[0]


def test_a_story_from_a_township_shows_in_its_list_of_stories(market, reader):
    township_page = market["rice"].get_parent().specific
    settle(reader, township_page.url)

    home = HomePage.objects.get(locale__language_code="zh-hant")
    story = StoryIndexPage.objects.get(locale=home.locale).add_child(
        instance=StoryPage(
            title="關山的秋天", slug="guanshan-autumn", date=datetime.date(2026, 11, 5), township=township_page.township
        )
    )
    story.save_revision().publish()
    html, sql = render(reader, township_page.url)

    assert "關山的秋天" in html
    assert not reads_from(sql, "people_helprequest")  # the sections other apps add were kept
