"""What public pages show of the marketplace: project cards, the facts around a project's story, search extras."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from marketplace.models import Answer, DonationCampaign, Milestone, Question, SubscriptionPlan
from marketplace.presentation import project_cards, project_story_facts, search_result_extras
from tests.factories.market import KOUHU, ZHUSHAN, publish_project
from tests.factories.payments import record_donations

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def rice(market):
    """關山米: seeks investment (build_market) and now offers a plan and a donation campaign with money in it."""
    listing = market["rice"].listing
    SubscriptionPlan.objects.create(listing=listing, name="一季米", price_twd=600, rewards="米")
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=12),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    record_donations(listing, 3, "guest", amount_twd=1_500)
    return market["rice"]


def test_a_card_has_the_team_the_ways_to_back_in_order_and_the_ledger_figures(market, rice):
    (card,) = project_cards([rice])

    assert card.team == "關山米食堂"
    assert card.team_url == reverse("marketplace:enterprise_detail", kwargs={"slug": market["enterprise_org"].slug})
    assert [code for code, _label in card.kinds] == ["subscription", "donation", "investment"]
    assert [str(label) for _code, label in card.kinds] == ["訂閱", "捐款", "投資"]
    assert (card.raised_twd, card.backers, card.goal_twd) == (4_500, 3, 10_000)
    assert (card.percent, card.bar_percent) == (45, 45)
    assert card.days_left == 12
    assert not card.is_closed


def test_the_bar_stops_at_full_and_a_past_deadline_reads_as_ended(market, rice):
    DonationCampaign.objects.filter(listing=rice.listing).update(
        goal_twd=3_000, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )

    (card,) = project_cards([rice])

    assert (card.percent, card.bar_percent) == (150, 100)
    assert card.is_closed


def test_a_project_without_a_listing_has_a_card_without_team_or_money(market):
    (card,) = project_cards([market["bamboo"]])

    assert (card.team, card.kinds, card.goal_twd, card.raised_twd) == ("", [], None, 0)


def test_a_translation_shows_the_listing_of_the_page_it_was_translated_from(market, rice):
    english = rice.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.save_revision().publish()

    (card,) = project_cards([english])

    assert card.team == "關山米食堂"
    assert card.raised_twd == 4_500


def test_cards_cost_the_same_queries_for_one_project_as_for_six(market, rice):
    projects = [publish_project(ZHUSHAN, f"竹山{number}") for number in range(5)]

    def queries(pages):
        pages = [type(page).objects.get(pk=page.pk) for page in pages]  # nothing prefetched yet
        with CaptureQueriesContext(connection) as captured:
            project_cards(pages)
        return len(captured)

    assert queries([rice]) == queries([rice, *projects])


def test_story_facts_split_milestones_and_leave_out_hidden_questions_and_answers(market, rice):
    listing = rice.listing
    done = Milestone.objects.create(listing=listing, title="插秧", done_at=timezone.now())
    later = Milestone.objects.create(listing=listing, title="收割", target_date=datetime.date(2027, 6, 1))
    asker = market["carol"]
    shown = Question.objects.create(listing=listing, author=asker, text="何時出貨？")
    Answer.objects.create(question=shown, author=market["erin"], text="十月")
    Answer.objects.create(question=shown, author=market["erin"], text="廣告", hidden=True)
    Question.objects.create(listing=listing, author=asker, text="被隱藏", hidden=True)

    facts = project_story_facts(rice)

    assert facts.team == market["enterprise"]
    assert (facts.milestones_done, facts.milestones_upcoming) == ([done], [later])
    assert facts.questions == [shown]
    assert [answer.text for answer in facts.questions[0].visible_answers] == ["十月"]
    assert facts.question_count == 1
    assert facts.questions_url == reverse("marketplace:questions", kwargs={"project_id": rice.pk})


def test_story_facts_of_a_project_without_a_listing_are_empty(market):
    facts = project_story_facts(market["oysters"])

    assert not facts.has_listing
    assert facts.questions == []


def test_search_extras_give_project_cards_and_township_pictures(market, rice):
    from cms.actions import township_page_for
    from tests.factories.cms import make_image
    from tests.factories.market import township

    picture = make_image("口湖")
    page = township_page_for(township(KOUHU))
    page.hero_image = picture
    page.save_revision().publish()
    hits = [
        {"family": "projects", "object_id": str(rice.pk)},
        {"family": "townships", "object_id": str(page.township_id)},
        {"family": "enterprises", "object_id": "1"},
    ]

    extras = search_result_extras(hits)

    assert extras[f"projects:{rice.pk}"]["card"].team == "關山米食堂"
    assert extras[f"townships:{page.township_id}"]["image"] == picture
    assert "enterprises:1" not in extras
