"""Funding types, money sorts and reindexing when money moves: the marketplace's funding provider
(payments.funding.search_funding_facts) and the debounced reindex from the payments ledger
(payments.ledger.announce_progress -> search.indexing.schedule_debounced_reindex)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from django_tasks.signals import task_enqueued

from search.query import SearchQuery
from tests.factories.payments import paid_backing
from tests.factories.search import (
    GUANSHAN,
    KOUHU,
    content_engines,
    content_titles,
    indexed_enterprise,
    publish_indexed_project,
)

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]
CONTENT = ("projects", "stories", "enterprises")


def _pay(listing, amount, key):
    from payments.ledger import announce_progress

    paid_backing(listing, amount, key=key, backer_email=f"{key}@example.com")
    announce_progress(listing)


def _ordered(engine, sort):
    query = SearchQuery(q="", sort=sort, filters={"family": ["projects"]}, families=CONTENT)
    return [hit["display"]["title"] for hit in engine.search(query).hits]


@pytest.fixture
def two_projects(content_site, django_capture_on_commit_callbacks):
    from marketplace.models import ProjectListing

    capture = django_capture_on_commit_callbacks
    enterprise = indexed_enterprise("關山口湖聯盟", GUANSHAN, capture)
    rice = publish_indexed_project("關山認養稻田", GUANSHAN, capture)
    fish = publish_indexed_project("口湖魚塭募款", KOUHU, capture)
    with capture(execute=True):
        rice_listing = ProjectListing.objects.create(project=rice, enterprise=enterprise)
        fish_listing = ProjectListing.objects.create(project=fish, enterprise=enterprise, seeks_investment=True)
    return rice_listing, fish_listing


def test_plans_and_campaigns_are_funding_types_and_the_ledger_sorts(two_projects, django_capture_on_commit_callbacks):
    from marketplace.models import DonationCampaign, SubscriptionPlan

    rice, fish = two_projects
    capture = django_capture_on_commit_callbacks
    for engine in content_engines():
        assert content_titles(engine, "", funding_type=["subscription"]) == [], engine.name
    with capture(execute=True):  # a plan or a campaign saved reindexes its project
        SubscriptionPlan.objects.create(listing=rice, name="認養一分田", price_twd=500, rewards="米")
        DonationCampaign.objects.create(
            listing=fish,
            goal_twd=10_000,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
            funding_model="keep_what_you_raise",
        )
    for engine in content_engines():
        assert content_titles(engine, "", funding_type=["subscription"]) == ["關山認養稻田"], engine.name
        assert content_titles(engine, "", funding_type=["donation"]) == ["口湖魚塭募款"], engine.name
        assert content_titles(engine, "", funding_type=["investment", "donation"]) == ["口湖魚塭募款"], engine.name

    with capture(execute=True):  # money moves: the ledger announces it and the projects are reindexed
        _pay(rice, 3_000, "a")
        _pay(fish, 2_500, "b")
    for engine in content_engines():
        assert _ordered(engine, "most_backed") == ["關山認養稻田", "口湖魚塭募款"], engine.name
        # Only the campaign has a goal: 25 % of it raised; the project without a goal comes last.
        assert _ordered(engine, "closest_to_goal") == ["口湖魚塭募款", "關山認養稻田"], engine.name
    with capture(execute=True):
        _pay(fish, 1_000, "c")
    for engine in content_engines():
        assert _ordered(engine, "most_backed") == ["口湖魚塭募款", "關山認養稻田"], engine.name
        hit = engine.search(SearchQuery(q="口湖魚塭", families=CONTENT)).hits[0]
        assert (hit["display"]["backed_amount"], hit["display"]["backers"]) == (3_500, 2), engine.name

    with capture(execute=True):  # removing the plan removes the funding type
        SubscriptionPlan.objects.filter(listing=rice).delete()
    for engine in content_engines():
        assert content_titles(engine, "", funding_type=["subscription"]) == [], engine.name


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_burst_of_payments_enqueues_one_reindex_per_project(two_projects, django_capture_on_commit_callbacks):
    from payments.tasks import send_funding_progress
    from search.indexing import DEBOUNCE_SECONDS, refresh_debounced

    rice, fish = two_projects
    cache.clear()
    enqueued, folded = [], []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "send_funding_progress":  # payments.live: the payments folded into one message
            folded.append(task_result.args[0])
            return
        enqueued.append((task_result.task.name, list(task_result.args), task_result.task.run_after - timezone.now()))

    task_enqueued.connect(record)
    try:
        for n in range(300):  # 300 webhook deliveries: 300 transactions
            with django_capture_on_commit_callbacks(execute=True):
                _pay(rice if n % 3 else fish, 100, f"burst{n}")
        assert sorted((name, args) for name, args, _after in enqueued) == sorted(
            [
                ("refresh_search_documents", ["projects", [str(fish.project_id)]]),
                ("refresh_search_documents", ["projects", [str(rice.project_id)]]),
            ]
        )
        # Deferred by DEBOUNCE_SECONDS when enqueued, so the burst settles before the task reads the ledger.
        assert all(delay > datetime.timedelta(seconds=DEBOUNCE_SECONDS - 2) for _name, _args, delay in enqueued)

        # The task (run here as the worker would) indexes every payment of the burst and clears its mark...
        refresh_debounced("projects", [str(rice.project_id)])
        for engine in content_engines():
            hit = engine.search(SearchQuery(q="關山認養", families=CONTENT)).hits[0]
            assert hit["display"]["backed_amount"] == 200 * 100, engine.name
        # ...so the next payment of that project enqueues again (by itself, or through the live message it was
        # folded into, which a worker sends at the end of the project's live interval: every one enqueued so far
        # is run here); the other project is still waiting.
        with django_capture_on_commit_callbacks(execute=True):
            _pay(rice, 100, "after")
            _pay(fish, 100, "after-fish")
        with django_capture_on_commit_callbacks(execute=True):
            for listing_id in set(folded):
                send_funding_progress.call(listing_id)
        assert len(enqueued) == 3 and enqueued[-1][1] == ["projects", [str(rice.project_id)]]
    finally:
        task_enqueued.disconnect(record)
        cache.clear()
