import pytest
from django.utils import translation

from marketplace.matching import WEIGHTS, recommend_projects
from tests.factories.market import NOW
from tests.factories.payments import record_donations

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def database_candidates(settings):
    """These tests are about the database step; the Elasticsearch step gives the same answers
    (test_matching_elasticsearch.py), from an index these tests do not fill."""
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}


def test_projects_are_ranked_by_a_score_with_its_reasons_in_words(market):
    with translation.override("en"):
        recommendations = recommend_projects(market["company"], now=NOW)

    assert [(r.project.title, r.score) for r in recommendations] == [("竹山竹藝", 55), ("關山米", 42), ("口湖蚵仔", 12)]
    assert [r.reasons for r in recommendations] == [
        [
            "Your founder comes from Zhushan Township, Nantou County.",
            "It works in Agriculture, a sector you are interested in.",
        ],
        [
            "3 of your employees come from Meinong District, Kaohsiung City, in a neighbouring county.",
            "It works toward goals you focus on: SDG 12 Responsible Consumption and Production.",
            "It seeks NT$500,000 to NT$2,000,000, which fits your ticket size.",
            "Guanshan Township, Taitung County is a priority area for regional revitalization.",
            "First published on 9 November 2026.",
        ],
        [
            "Your founder comes from Zhushan Township, Nantou County, in a neighbouring county.",
            "The team posted 2 updates in the last 90 days.",
        ],
    ]


def test_the_reasons_are_written_in_the_readers_language(market):
    with translation.override("zh-hant"):
        first = recommend_projects(market["company"], now=NOW)[0]

    assert first.reasons[0] == "您的創辦人來自南投縣竹山鎮。"


def test_drafts_are_never_recommended(market):
    titles = [r.project.title for r in recommend_projects(market["company"], now=NOW)]

    assert market["draft"].title not in titles


def test_a_project_without_a_listing_gets_no_ticket_reason_but_is_still_ranked(market):
    market["rice"].listing.delete()
    with translation.override("en"):
        rice = next(r for r in recommend_projects(market["company"], now=NOW) if r.project.title == "關山米")

    assert rice.score == 42 - WEIGHTS["ticket_fit"]
    assert not any("ticket" in reason for reason in rice.reasons)


def test_a_company_with_no_ties_or_interests_sees_only_fresh_and_active_projects(market):
    company = market["company"]
    company.ties.all().delete()
    company.sectors_of_interest.clear()
    company.sdg_focus.clear()
    company.ticket_min_twd = company.ticket_max_twd = None

    scores = {r.project.title: r.score for r in recommend_projects(company, now=NOW)}

    assert scores == {"關山米": 10 + 9, "口湖蚵仔": 4}


def test_enterprises_see_only_discoverable_companies_that_fit_with_reasons(client, market):
    from marketplace.matching import recommend_companies

    enterprise = market["enterprise"]  # 關山鎮, 臺東縣
    assert recommend_companies(enterprise) == []  # the company is not discoverable
    market["company"].discoverable = True
    market["company"].save()

    with translation.override("en"):
        [match] = recommend_companies(enterprise)

    assert (match.company, match.score) == (market["company"], WEIGHTS["tie_neighbour_county"])
    assert match.reasons == [
        "A tie in a neighbouring county: Employees' home township, Meinong District, Kaohsiung City."
    ]
    client.force_login(market["erin"])
    page = client.get(f"/en/marketplace/enterprises/{market['enterprise_org'].slug}/companies/")
    assert "台灣好公司" in page.text and "Meinong District" in page.text


def test_backers_from_the_ledger_lift_a_project_the_database_ranked_lower(market):
    """The database's candidates count the backers the ledger knows: the best one is the backed project."""

    from marketplace.matching import _candidate_ids, _CompanyFacts

    listing = market["rice"].listing
    record_donations(listing, 20, "backer")
    with translation.override("en"):
        everything = recommend_projects(market["company"], now=NOW)
        best = recommend_projects(market["company"], limit=1, now=NOW)

    assert [(r.project.title, r.score) for r in everything] == [("關山米", 62), ("竹山竹藝", 55), ("口湖蚵仔", 12)]
    assert [(r.project.title, r.score) for r in best] == [("關山米", 62)]
    assert "20 people back it." in best[0].reasons
    assert _candidate_ids(_CompanyFacts(market["company"], NOW), 1) == [market["rice"].pk]


def test_backers_count_up_to_a_cap_so_popularity_never_outranks_a_hometown_tie(market):
    """Hundreds of backers on a project in a neighbouring county (口湖蚵仔: 12 points of its own) do not lift it
    above the project in the founder's own township (竹山竹藝, 55); the reason still says how many back it."""
    from marketplace.matching import _candidate_ids, _CompanyFacts
    from marketplace.models import ProjectListing

    listing = ProjectListing.objects.create(project=market["oysters"], enterprise=market["enterprise"])
    record_donations(listing, 300, "crowd")
    with translation.override("en"):
        ranked = recommend_projects(market["company"], now=NOW)

    capped = 12 + WEIGHTS["backer_max"] * WEIGHTS["backer"]
    assert [(r.project.title, r.score) for r in ranked] == [("竹山竹藝", 55), ("關山米", 42), ("口湖蚵仔", capped)]
    assert "300 people back it." in ranked[2].reasons
    assert _candidate_ids(_CompanyFacts(market["company"], NOW), 3) == [r.project.pk for r in ranked]


def test_the_database_step_keeps_the_order_with_a_limit(market):
    from marketplace.matching import _candidate_ids, _CompanyFacts

    full = [(r.project.pk, r.score) for r in recommend_projects(market["company"], now=NOW)]
    # Without backers, the database's scores are the whole scores: the same order as the exact step.
    assert _candidate_ids(_CompanyFacts(market["company"], NOW), 10) == [pk for pk, _score in full]
    assert _candidate_ids(_CompanyFacts(market["company"], NOW), 1) == [full[0][0]]
    for limit in (1, 2, 3):
        assert [(r.project.pk, r.score) for r in recommend_projects(market["company"], limit=limit, now=NOW)] == (
            full[:limit]
        )
