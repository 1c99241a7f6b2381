"""What a team and its readers add to a project's page without a publish (an update, a milestone done, a question,
an answer, a moderator hiding one) shows at once on the page kept in the cache, for readers signed in or not."""

import pytest
from django.test import Client

from marketplace import actions
from marketplace.models import Milestone, ProjectListing, Question
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def rice(market):
    """The project page, shown twice to a visitor and a signed-in reader: kept in the cache from then on."""
    page = market["rice"]
    for client in (Client(), _signed_in()):
        for _ in range(2):
            assert client.get(page.url).status_code == 200
    return page


def _signed_in():
    client = Client()
    client.force_login(UserFactory())
    return client


def shown(page):
    """The page as a visitor and as a signed-in reader see it now."""
    return [client.get(page.url).content.decode() for client in (Client(), _signed_in())]


def test_a_posted_update_shows_at_once(market, rice, django_capture_on_commit_callbacks):
    listing = ProjectListing.objects.get(project=rice)
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_project_update(market["erin"], listing, title="秧苗下田了", body="今天插秧")

    assert all("秧苗下田了" in html for html in shown(rice))


def test_a_milestone_marked_done_shows_at_once(market, django_capture_on_commit_callbacks):
    listing = ProjectListing.objects.get(project=market["rice"])
    milestone = Milestone.objects.create(listing=listing, title="插秧完成")
    page = market["rice"]
    assert all("milestone-upcoming" in html for html in shown(page))

    with django_capture_on_commit_callbacks(execute=True):
        actions.mark_milestone_done(market["erin"], milestone)

    assert all("milestone-done" in html and "milestone-upcoming" not in html for html in shown(page))


def test_a_question_its_answer_and_a_moderators_hiding_show_at_once(market, rice, django_capture_on_commit_callbacks):
    listing = ProjectListing.objects.get(project=rice)
    with django_capture_on_commit_callbacks(execute=True):
        question = actions.ask_question(UserFactory(), listing, text="米什麼時候收成？")
    assert all("米什麼時候收成？" in html for html in shown(rice))

    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_question(market["erin"], question, text="十月底收成")
    assert all("十月底收成" in html for html in shown(rice))

    # What the moderators' screen does (a snippet form's save).
    question = Question.objects.get(pk=question.pk)
    question.hidden = True
    with django_capture_on_commit_callbacks(execute=True):
        question.save()
    assert all("米什麼時候收成？" not in html for html in shown(rice))


def test_a_posted_update_is_searchable_at_once(market, django_capture_on_commit_callbacks, settings):
    from search.engines import database_engine
    from search.query import SearchQuery

    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}
    listing = ProjectListing.objects.get(project=market["rice"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_project_update(market["erin"], listing, title="秧苗下田了", body="今天插秧")

    hits = database_engine().search(SearchQuery(q="插秧", families=("projects",)))
    assert [hit["object_id"] for hit in hits.hits] == [str(market["rice"].pk)]
