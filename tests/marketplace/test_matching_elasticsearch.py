"""Recommendation candidates from Elasticsearch (search/recommend.py) give what the database step gives."""

import datetime
import logging
import uuid

import pytest
from django.utils import translation

from marketplace.matching import (
    CANDIDATE_MARGIN,
    WEIGHTS,
    _best_candidate_ids,
    _candidate_ids,
    _CompanyFacts,
    _search_candidate_ids,
    recommend_projects,
)
from tests.factories.market import NOW, publish_project
from tests.factories.payments import record_donations

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.elasticsearch]


@pytest.fixture
def projects_index(settings):
    """A projects index of its own for the test (other tests leave theirs behind), filled from the database by
    `fill()`, the rebuild path; dropped after."""
    from search.documents import get_family
    from search.es import ElasticsearchEngine

    settings.HOMEWARD_SEARCH = {
        **settings.HOMEWARD_SEARCH,
        "ENGINE": "elasticsearch",
        "INDEX_PREFIX": f"homeward-test-recs-{uuid.uuid4().hex[:8]}",
    }
    engine = ElasticsearchEngine()

    def fill():
        engine.rebuild(get_family("projects"))

    config = settings.HOMEWARD_SEARCH
    yield fill
    settings.HOMEWARD_SEARCH = config  # a test may have pointed it at a node that is down
    engine.drop("projects")


def _ranking(company, limit=20):
    with translation.override("en"):
        return [(r.project.pk, r.score, r.reasons) for r in recommend_projects(company, limit=limit, now=NOW)]


def _with_engine(settings, engine, function, *args, **kwargs):
    live = settings.HOMEWARD_SEARCH
    settings.HOMEWARD_SEARCH = {**live, "ENGINE": engine}
    try:
        return function(*args, **kwargs)
    finally:
        settings.HOMEWARD_SEARCH = live


def _assert_same_as_database(settings, company, caplog):
    facts = _CompanyFacts(company, NOW)
    for count in (1, 2, 3, 1 + CANDIDATE_MARGIN):
        assert _search_candidate_ids(facts, count) == _candidate_ids(facts, count)
    with caplog.at_level(logging.WARNING, logger="marketplace.matching"):
        assert _best_candidate_ids(facts, 5) == _candidate_ids(facts, 5)
        for limit in (1, 2, 20):
            assert _ranking(company, limit) == _with_engine(settings, "database", _ranking, company, limit)
    assert not caplog.records  # Elasticsearch answered: no fallback


def _add_projects(market):
    """More projects, so every factor separates some of them: ties at each level, SDG overlaps of 1 to 4, asks in
    and out of the ticket range, 0 to 6 recent updates, every freshness bucket."""
    from cms.actions import ensure_township_pages
    from cms.models import Sector, SustainableDevelopmentGoal
    from marketplace.models import ProjectListing

    townships = ["10008070", "10008040", "64000120", "10014050", "10009130", "65000010", "10008010"]
    ensure_township_pages(codes=townships)
    sectors = list(Sector.objects.order_by("pk"))
    sdgs = list(SustainableDevelopmentGoal.objects.order_by("number"))
    for n in range(24):
        project = publish_project(
            townships[n % len(townships)],
            f"專案{n:02d}",
            published=NOW - datetime.timedelta(days=n * 9, hours=n),
            sector=sectors[n % len(sectors)],
            sdgs=[sdgs[1], sdgs[11], sdgs[n % 17], sdgs[(n + 2) % 17]][: n % 5],
            updates=[(NOW - datetime.timedelta(days=15 * k + n)).date() for k in range(n % 8)],
        )
        if n % 3:
            low = [200_000, 900_000, 4_000_000, 6_000_000][n % 4]
            ProjectListing.objects.create(
                project=project,
                enterprise=market["enterprise"],
                seeks_investment=n % 5 != 0,
                ask_min_twd=low,
                ask_max_twd=None if n % 7 == 0 else low * 2,
                instrument=ProjectListing.Instrument.EQUITY,
            )


def test_the_market_ranks_the_same_from_elasticsearch(market, projects_index, settings, caplog):
    projects_index()
    _assert_same_as_database(settings, market["company"], caplog)
    assert [score for _pk, score, _reasons in _ranking(market["company"])] == [55, 42, 12]


def test_a_larger_market_ranks_the_same_from_elasticsearch(market, projects_index, settings, caplog):
    _add_projects(market)
    projects_index()
    _assert_same_as_database(settings, market["company"], caplog)


def test_a_company_without_ticket_ties_or_interests_ranks_the_same(market, projects_index, settings, caplog):
    _add_projects(market)
    projects_index()
    company = market["company"]
    company.ties.all().delete()
    company.sectors_of_interest.clear()
    company.sdg_focus.clear()
    company.ticket_min_twd = company.ticket_max_twd = None
    _assert_same_as_database(settings, company, caplog)


def test_a_ticket_without_upper_bound_ranks_the_same(market, projects_index, settings, caplog):
    _add_projects(market)
    projects_index()
    company = market["company"]
    company.ticket_max_twd = None
    company.ticket_min_twd = 3_000_000
    _assert_same_as_database(settings, company, caplog)


def test_more_sdgs_than_the_cap_rank_the_same(market, projects_index, settings, caplog):
    from cms.models import SustainableDevelopmentGoal

    _add_projects(market)
    projects_index()
    company = market["company"]
    company.sdg_focus.set(SustainableDevelopmentGoal.objects.filter(number__in=[2, 3, 12, 5, 7]))
    _assert_same_as_database(settings, company, caplog)


def test_backers_still_lift_a_project_with_elasticsearch_candidates(market, projects_index, settings, caplog):

    _add_projects(market)
    listing = market["rice"].listing
    record_donations(listing, 30, "backer")
    projects_index()
    _assert_same_as_database(settings, market["company"], caplog)
    capped = min(30, WEIGHTS["backer_max"]) * WEIGHTS["backer"]
    assert (market["rice"].pk, 42 + capped) in [(pk, score) for pk, score, _reasons in _ranking(market["company"])]


def test_a_payment_reaches_the_elasticsearch_candidates(
    market, projects_index, settings, caplog, django_capture_on_commit_callbacks
):
    """Payments after the index was built: the ledger's announcement reindexes the project (search/indexing.py,
    at commit with the tests' task backend), and its new backers rank it first among the candidates (more points
    than any project can have without backers)."""

    from payments.ledger import announce_progress
    from search.engines import elasticsearch_client
    from search.es import alias_name

    _add_projects(market)
    projects_index()
    rice = market["rice"]
    facts = _CompanyFacts(market["company"], NOW)
    place_before = _search_candidate_ids(facts, 100).index(rice.pk)
    assert place_before > 0
    with django_capture_on_commit_callbacks(execute=True):
        record_donations(rice.listing, 120, "late")
        announce_progress(rice.listing)
    elasticsearch_client().indices.refresh(index=alias_name("projects"))
    assert _search_candidate_ids(facts, 100).index(rice.pk) < place_before
    _assert_same_as_database(settings, market["company"], caplog)
    # 120 backers count as backer_max: the same capped points in the index as in the database.
    assert (rice.pk, 42 + WEIGHTS["backer_max"] * WEIGHTS["backer"]) in [
        (pk, score) for pk, score, _reasons in _ranking(market["company"])
    ]


def test_elasticsearch_down_gives_the_database_answer(market, projects_index, settings, caplog):
    _add_projects(market)
    expected = _with_engine(settings, "database", _ranking, market["company"])
    settings.HOMEWARD_SEARCH = {
        **settings.HOMEWARD_SEARCH,
        "ELASTICSEARCH_URL": "http://127.0.0.1:9",
        "TIMEOUT_SECONDS": 1,
    }
    with caplog.at_level(logging.WARNING, logger="marketplace.matching"):
        assert _ranking(market["company"]) == expected
    assert "Elasticsearch failed" in caplog.text


def test_a_missing_projects_index_gives_the_database_answer(market, projects_index, settings, caplog):
    expected = _with_engine(settings, "database", _ranking, market["company"])
    with caplog.at_level(logging.WARNING, logger="marketplace.matching"):
        assert _ranking(market["company"]) == expected  # nothing indexed under this prefix yet
    assert "Elasticsearch failed" in caplog.text


def test_an_index_behind_the_database_gives_the_database_answer(market, projects_index, settings, caplog):
    from wagtail.models import Page

    projects_index()
    best = _ranking(market["company"])[0][0]
    Page.objects.filter(pk=best).update(live=False)  # unpublished, its index update not applied yet
    expected = _with_engine(settings, "database", _ranking, market["company"])
    with caplog.at_level(logging.WARNING, logger="marketplace.matching"):
        assert _ranking(market["company"]) == expected
    assert best not in [pk for pk, _score, _reasons in expected]
    assert "the projects index is behind" in caplog.text
