"""The organisation menu offers what the organisation's kind has: every link in it opens for the organisation's
manager, whatever the kind (a township office, a county, a university… has no team pages)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts import actions
from accounts.models import Organisation
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", Organisation.Kind.values)
def test_every_link_of_the_organisation_menu_opens_for_its_manager(client, townships, kind):
    manager = UserFactory(email=f"{kind}@example.tw")
    township = Township.objects.get(code=GUANSHAN)
    place = {"township": township} if kind == Organisation.Kind.TOWNSHIP_OFFICE else {}
    if kind == Organisation.Kind.COUNTY_GOVERNMENT:
        place = {"county": township.county}
    organisation = actions.create_organisation(manager, kind=kind, name=f"關山 {kind}", **place)
    client.force_login(manager)

    page = client.get(reverse("organisations:detail", kwargs={"slug": organisation.slug}))
    links = [link["href"] for link in BeautifulSoup(page.text, "html.parser").select("nav.organisation-nav a")]

    assert len(links) >= 3  # overview, members, settings
    for href in links:
        assert client.get(href).status_code in (200, 302), (kind, href)
    team_pages = reverse("marketplace:enterprise_projects", kwargs={"slug": organisation.slug})
    assert (team_pages in links) == (kind == Organisation.Kind.ENTERPRISE)


def test_a_team_with_its_profile_finds_its_payouts_in_the_menu(client, profile, alice):
    client.force_login(alice)

    page = client.get(reverse("organisations:detail", kwargs={"slug": profile.organisation.slug}))
    links = [link["href"] for link in BeautifulSoup(page.text, "html.parser").select("nav.organisation-nav a")]

    payouts = reverse("payments:payouts", kwargs={"slug": profile.organisation.slug})
    assert payouts in links and client.get(payouts).status_code == 200


def test_a_township_office_sees_that_it_waits_for_verification_and_then_that_it_is_verified(client, townships):
    manager = UserFactory(email="office@example.tw")
    office = actions.create_organisation(
        manager, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", township=Township.objects.get(code=GUANSHAN)
    )
    client.force_login(manager)
    url = "/en" + reverse("organisations:detail", kwargs={"slug": office.slug}).removeprefix("/zh-hant")

    def verification():
        return BeautifulSoup(client.get(url).text, "html.parser").select_one("[data-verification]").get_text()

    assert "cannot write or review revitalization plans, ask for help or publish experiences" in verification()
    office.verified_at = office.created
    office.save()
    assert verification().startswith("Verified by Homeward")
