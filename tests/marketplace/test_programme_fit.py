"""Programmes that may fit, on the team's page and on the team's page of a project (not for anyone else)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import Ministry, Sector, SupportProgramme
from marketplace.programme_fit import programmes_for_team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def catalogue(market):
    agriculture = Sector.objects.get(slug="test-agri")
    crafts = Sector.objects.get(slug="test-crafts")
    market["enterprise"].sectors.set([agriculture])
    ministry = Ministry.objects.get(name_zh="農業部")
    fits = SupportProgramme.objects.create(
        ministry=ministry,
        name="優先區農業青年補助",
        name_en="Young farmers in priority areas",
        kind="subsidy",
        for_priority_areas=True,
        applicant_kinds=["enterprise"],
        closes_on=timezone.localdate() + datetime.timedelta(days=12),
    )
    fits.sectors.set([agriculture])
    crafts_only = SupportProgramme.objects.create(
        ministry=ministry, name="工藝原型補助", name_en="Crafts prototypes", kind="subsidy", stages=["prototype"]
    )
    crafts_only.sectors.set([crafts])
    offices = SupportProgramme.objects.create(
        ministry=ministry,
        name="公所專案",
        name_en="Township offices only",
        kind="subsidy",
        applicant_kinds=["township_office"],
    )
    return {"fits": fits, "crafts": crafts_only, "offices": offices}


def test_the_team_dashboard_lists_the_programmes_that_fit_with_reasons(client, market, catalogue):
    client.force_login(market["erin"])

    with translation.override("en"):
        response = client.get(
            reverse("marketplace:enterprise_projects", kwargs={"slug": market["enterprise_org"].slug})
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Programmes that may fit" in page
    assert page.index("Young farmers in priority areas") < page.index("Township offices only")
    assert "Your township is a priority area." in page
    assert "Enterprise team may apply." in page
    assert "Closes in 12 days." in page
    assert "Only for: Township office." in page


def test_the_project_team_page_uses_the_projects_sector_and_stage(client, market, catalogue):
    listing = market["rice"].listing
    listing.stage = "prototype"
    listing.save(update_fields=["stage"])

    fits = {fit.programme: fit for fit in programmes_for_team(market["enterprise"], listing, limit=None)}
    assert fits[catalogue["crafts"]].qualifies  # the project is in crafts, at the prototype stage
    assert fits[catalogue["fits"]].qualifies
    client.force_login(market["erin"])
    with translation.override("en"):
        page = client.get(
            reverse("marketplace:project_team", kwargs={"project_id": listing.project_id})
        ).content.decode()
    assert "Crafts prototypes" in page and "Projects at the prototype stage are eligible." in page


def test_another_company_does_not_see_the_teams_programmes(client, market, catalogue):
    client.force_login(market["carol"])

    response = client.get(reverse("marketplace:enterprise_projects", kwargs={"slug": market["enterprise_org"].slug}))

    assert response.status_code in (403, 404)
