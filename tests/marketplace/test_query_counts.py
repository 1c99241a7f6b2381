"""The marketplace's list pages render with a number of queries that does not grow with the items they list."""

import itertools

import pytest
from django.urls import reverse

from marketplace.models import Answer, Interest, ProjectDraft, ProjectListing, Question
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, publish_project
from tests.helpers import assert_queries_do_not_grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

_numbers = itertools.count(1)


def _listed_projects(market, count):
    """`count` public projects of the market's enterprise team, each with a listing."""
    projects = []
    for _ in range(count):
        project = publish_project(GUANSHAN, f"計畫{next(_numbers)}")
        ProjectListing.objects.create(project=project, enterprise=market["enterprise"])
        projects.append(project)
    return projects


def _interests(market, count):
    for project in _listed_projects(market, count):
        Interest.objects.create(company=market["company"], project=project, message="有興趣")


def test_a_companys_interests(client, market):
    client.force_login(market["dave"])
    url = reverse("marketplace:company_interests", kwargs={"slug": market["company_org"].slug})
    assert_queries_do_not_grow(lambda count: _interests(market, count), client, url)


def test_a_teams_interests(client, market):
    client.force_login(market["erin"])
    url = reverse("marketplace:enterprise_interests", kwargs={"slug": market["enterprise_org"].slug})
    assert_queries_do_not_grow(lambda count: _interests(market, count), client, url)


def test_a_projects_questions_and_answers(client, market):
    listing = ProjectListing.objects.get(project=market["rice"])

    def build(count):
        for _ in range(count):
            asker = UserFactory(display_name=f"提問者{next(_numbers)}")
            question = Question.objects.create(listing=listing, author=asker, text="何時收成？")
            Answer.objects.create(question=question, author=market["erin"], text="十月")

    client.force_login(market["erin"])
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})
    assert_queries_do_not_grow(build, client, url)


def test_a_teams_projects_and_drafts(client, market):
    def build(count):
        for _ in range(count):
            ProjectDraft.objects.create(enterprise=market["enterprise"], created_by=market["erin"], title="草稿")

    client.force_login(market["erin"])
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": market["enterprise_org"].slug})
    assert_queries_do_not_grow(build, client, url)


def test_a_teams_projects_made_by_staff(client, market):
    """Projects with a listing and no draft, each row with its team pages: no query per row."""
    client.force_login(market["erin"])
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": market["enterprise_org"].slug})
    assert_queries_do_not_grow(lambda count: _listed_projects(market, count), client, url)
