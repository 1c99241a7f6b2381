"""The team's projects page: every project of the team (those staff made for it too), and from a live project's row
its team pages (updates, funding, fulfilment, traceability), for those the pages themselves let in."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import actions as account_actions
from accounts.models import Organisation
from marketplace import actions
from marketplace.models import EnterpriseProfile, ProjectListing
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGE_LABELS = ("Updates and milestones", "Funding", "Fulfilment", "Traceability and devices")


def team_pages(project_id):
    keys = {"project_id": project_id}
    return [
        reverse("marketplace:project_team", kwargs=keys),
        reverse("payments:funding_dashboard", kwargs=keys),
        reverse("payments:fulfilment", kwargs=keys),
        reverse("traceability:team_project", kwargs=keys),
    ]


def rows_of(client, organisation, language="zh-hant"):
    """{row title: [(label, href) of the row's team-page links]} of the team's projects page."""
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": organisation.slug})
    html = BeautifulSoup(client.get(f"/{language}" + url[url.index("/", 1) :]).text, "html.parser")
    return {
        row.h3.get_text(strip=True): [
            (link.get_text(strip=True), link["href"]) for link in row.select(".team-project-pages a")
        ]
        for row in html.select("li.team-project")
    }


def submitted_draft(alice, profile, title):
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title=title, summary="x")
    actions.save_draft_step(alice, draft, "story", story="y")
    actions.add_subscription_plan(alice, draft, name="認養", price_twd=500, rewards="魚", season_months=[])
    actions.submit_project_draft(alice, draft)
    return draft


def test_a_live_projects_row_links_its_team_pages_and_a_draft_or_a_submission_in_review_does_not(
    client, listing, profile, alice, bob
):
    unsent = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, unsent, "basics", title="還在寫", summary="x")
    submitted_draft(alice, profile, "審核中的計畫")
    client.force_login(bob)  # an editor of the team: every member opens the team pages

    rows = rows_of(client, profile.organisation)

    assert rows["還在寫"] == [] and rows["審核中的計畫"] == []
    with translation.override("zh-hant"):
        labels = [gettext(label) for label in PAGE_LABELS]
    assert rows["智慧魚塭"] == list(zip(labels, team_pages(listing.project_id), strict=True))
    for _label, href in rows["智慧魚塭"]:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_links_are_labelled_in_the_readers_language(client, listing, profile, alice, language):
    client.force_login(alice)

    labels = [label for label, _href in rows_of(client, profile.organisation, language)["智慧魚塭"]]

    with translation.override(language):
        assert labels == [gettext(label) for label in PAGE_LABELS]
    if language == "ja":
        assert not set(labels) & set(PAGE_LABELS), "the Japanese page shows English labels"


def test_a_project_staff_made_for_the_team_is_listed_with_its_team_pages(client, market):
    """關山米 has a listing but no draft (staff made its page): the team still finds it, and its pages, here."""
    client.force_login(market["erin"])

    rows = rows_of(client, market["enterprise_org"])

    assert [href for _label, href in rows["關山米"]] == team_pages(market["rice"].pk)


def test_a_project_handed_to_another_team_links_its_pages_only_for_the_team_that_runs_it(
    client, listing, profile, alice
):
    """The links follow the check the team pages make (the listing's team), not who wrote the draft."""
    carol = UserFactory(email="carol@example.tw")
    other = account_actions.create_organisation(carol, kind=Organisation.Kind.ENTERPRISE, name="另一隊")
    other_profile = EnterpriseProfile.objects.create(organisation=other, township=profile.township)
    ProjectListing.objects.filter(pk=listing.pk).update(enterprise=other_profile)

    client.force_login(alice)
    assert rows_of(client, profile.organisation)["智慧魚塭"] == []
    assert client.get(team_pages(listing.project_id)[1]).status_code == 403

    client.force_login(carol)
    assert [href for _label, href in rows_of(client, other)["智慧魚塭"]] == team_pages(listing.project_id)


def test_the_page_title_is_the_pages_name_and_the_team_reaches_its_payouts(client, listing, profile, alice):
    client.force_login(alice)
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug})

    html = BeautifulSoup(client.get(url).text, "html.parser")

    assert "programme" not in html.title.get_text() and "<" not in html.title.get_text()
    payouts = reverse("payments:payouts", kwargs={"slug": profile.organisation.slug})
    assert html.select_one(f'main a[href="{payouts}"]') is not None
    assert client.get(payouts).status_code == 200


def test_each_title_is_in_the_readers_language_when_the_team_wrote_one_and_says_its_language(client, profile, alice):
    translated = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, translated, "basics", title="海邊教室", title_en="Seaside classroom", summary="x")
    untranslated = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, untranslated, "basics", title="還在寫", summary="x")
    client.force_login(alice)
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug})

    html = BeautifulSoup(client.get("/en" + url[url.index("/", 1) :]).text, "html.parser")

    titles = {row.h3.get_text(strip=True): row.h3["lang"] for row in html.select("li.team-project")}
    assert titles == {"Seaside classroom": "en", "還在寫": "zh-Hant-TW"}


def test_a_project_staff_made_shows_its_translated_title_in_the_readers_language(client, market):
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code="en")
    english = market["rice"].get_translation_or_none(locale) or market["rice"].copy_for_translation(
        locale, copy_parents=True
    )
    english.alias_of = None
    english.title = "Guanshan rice"
    english.save_revision().publish()
    client.force_login(market["erin"])
    url = reverse("marketplace:enterprise_projects", kwargs={"slug": market["enterprise_org"].slug})

    for language, title, lang in (("en", "Guanshan rice", "en"), ("ja", "關山米", "zh-Hant-TW")):
        html = BeautifulSoup(client.get(f"/{language}" + url[url.index("/", 1) :]).text, "html.parser")
        heading = html.select_one("li.team-project h3")
        assert (heading.get_text(strip=True), heading["lang"]) == (title, lang)
