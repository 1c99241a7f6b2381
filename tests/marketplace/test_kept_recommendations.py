"""A company's ranking is kept for its recommendations page while what it reads stands (kept_recommendations)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.page_cache import search_results_changed
from marketplace.matching import kept_recommendations, recommend_projects
from marketplace.models import HometownTie
from tests.factories.market import KOUHU, township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture(autouse=True)
def database_candidates(settings):
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": "database"}


def ranking(recommendations):
    return [(r.project.pk, r.score, r.reasons) for r in recommendations]


def test_the_kept_ranking_is_the_computed_one_and_costs_only_the_companys_facts(market):
    company = market["company"]
    with translation.override("en"):
        first = kept_recommendations(company)
        with CaptureQueriesContext(connection) as captured:
            again = kept_recommendations(company)
        computed = recommend_projects(company)

    assert ranking(first) == ranking(again) == ranking(computed)
    # Its ties, sectors and SDGs (the key); nothing of the projects, the townships or the ledger.
    assert len(captured.captured_queries) == 3


def test_a_new_tie_shows_at_once(market):
    company = market["company"]
    kept_recommendations(company)
    oysters = market["oysters"].pk
    before = next(r.score for r in kept_recommendations(company) if r.project.pk == oysters)

    HometownTie.objects.create(company=company, kind=HometownTie.Kind.HEADQUARTERS, township=township(KOUHU))

    after = next(r.score for r in kept_recommendations(company) if r.project.pk == oysters)
    assert after > before
    assert ranking(kept_recommendations(company)) == ranking(recommend_projects(company))


def test_a_change_of_the_search_index_ranks_again(market):
    company = market["company"]
    rice = market["rice"].pk
    kept = next(r.score for r in kept_recommendations(company) if r.project.pk == rice)
    market["rice"].listing.delete()  # no ask any more: no ticket points

    # Kept until the index says the projects changed, as a payment's or a publish's reindexing does.
    assert next(r.score for r in kept_recommendations(company) if r.project.pk == rice) == kept
    search_results_changed()
    assert next(r.score for r in kept_recommendations(company) if r.project.pk == rice) < kept


def test_each_language_keeps_its_own_reasons(market):
    company = market["company"]
    with translation.override("en"):
        english = kept_recommendations(company)[0].reasons[0]
    with translation.override("zh-hant"):
        chinese = kept_recommendations(company)[0].reasons[0]

    assert english == "Your founder comes from Zhushan Township, Nantou County."
    assert chinese == "您的創辦人來自南投縣竹山鎮。"


def test_the_page_shows_each_projects_card_with_its_reasons(client, market):
    client.force_login(market["carol"])
    with translation.override("en"):
        url = reverse("marketplace:recommendations", kwargs={"slug": market["company_org"].slug})

    for _ in range(2):  # computed, then kept: the same page
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="recommendation-card"') == html.count('<article class="card">') == 3
        for title in ("竹山竹藝", "關山米", "口湖蚵仔"):
            assert html.count(f">{title}<") >= 1
        assert "Your founder comes from Zhushan Township, Nantou County." in html
