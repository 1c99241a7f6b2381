"""An enterprise profile in three languages (#15): the team writes optional English and Japanese versions of its
name and summary on the site; the enterprise page, project pages and cards and search results show them to readers
of those languages, and the original, marked with its language, where the team wrote none."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from marketplace import actions
from marketplace.demo import DEMO_ENTERPRISE_TRANSLATIONS, DEMO_ENTERPRISES
from marketplace.models import EnterpriseProfile

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ENGLISH = {"name_en": "Kouhu Fish Pond Team", "summary_en": "Fish farming that saves water"}


def translate_profile(profile, alice, **texts):
    return actions.save_enterprise_profile(
        alice,
        profile.organisation,
        township=profile.township,
        team_size=profile.team_size,
        members_returned_home=profile.members_returned_home,
        summary=profile.summary,
        **texts,
    )


def test_the_team_writes_its_english_and_japanese_texts_in_the_profile_form(client, cms_site, team, bob, kouhu):
    client.force_login(bob)
    url = reverse("marketplace:enterprise_edit", kwargs={"slug": team.slug})
    form = BeautifulSoup(client.get(url).content, "html.parser")
    # Labelled in the interface language, and typed in the language they hold.
    assert form.find("label", attrs={"for": "id_name_en"}).get_text(strip=True) == "英文名稱（選填）"
    assert form.find("label", attrs={"for": "id_summary_ja"}).get_text(strip=True) == "日文摘要（選填）"
    assert form.find(id="id_name_ja")["lang"] == "ja" and form.find(id="id_summary_en")["lang"] == "en"

    data = {"township": kouhu.pk, "team_size": 5, "members_returned_home": 2, "summary": "返鄉養殖"}
    response = client.post(url, {**data, **ENGLISH, "name_ja": "口湖養殖チーム"})

    assert response.status_code == 302
    profile = EnterpriseProfile.objects.get(organisation=team)
    assert (profile.name_en, profile.summary_en, profile.name_ja, profile.summary_ja) == (
        "Kouhu Fish Pond Team",
        "Fish farming that saves water",
        "口湖養殖チーム",
        "",
    )


def test_the_enterprise_page_speaks_the_readers_language_or_marks_the_original(client, profile, alice):
    translate_profile(profile, alice, **ENGLISH)
    url = {}
    for code in ("zh-hant", "en", "ja"):
        with translation.override(code):
            url[code] = reverse("marketplace:enterprise_detail", kwargs={"slug": profile.organisation.slug})

    english = BeautifulSoup(client.get(url["en"]).content, "html.parser")
    assert english.h1.get_text(strip=True) == "Kouhu Fish Pond Team" and english.h1["lang"] == "en"
    assert english.select_one("p.lead")["lang"] == "en"
    assert english.title.get_text().startswith("Kouhu Fish Pond Team")
    # No Japanese written: the original, marked as Chinese.
    japanese = BeautifulSoup(client.get(url["ja"]).content, "html.parser")
    assert japanese.h1.get_text(strip=True) == "口湖魚塭隊" and japanese.h1["lang"] == "zh-Hant-TW"
    assert japanese.select_one("p.lead").get_text(strip=True) == "養殖"
    assert japanese.select_one("p.lead")["lang"] == "zh-Hant-TW"
    chinese = BeautifulSoup(client.get(url["zh-hant"]).content, "html.parser")
    assert chinese.h1.get_text(strip=True) == "口湖魚塭隊"


def test_project_pages_and_cards_name_the_team_in_the_readers_language(client, listing, profile, alice):
    from marketplace.presentation import project_cards

    translate_profile(profile, alice, name_ja="口湖養殖チーム")
    project = listing.project
    japanese_page = Page.objects.get(translation_key=project.translation_key, locale__language_code="ja")
    html = BeautifulSoup(client.get(japanese_page.url).content, "html.parser")
    with translation.override("ja"):
        team_url = reverse("marketplace:enterprise_detail", kwargs={"slug": profile.organisation.slug})
    team_links = html.select(f'a[href="{team_url}"]')
    assert {link.get_text(strip=True) for link in team_links} == {"口湖養殖チーム"}
    assert {link["lang"] for link in team_links} == {"ja"}

    with translation.override("ja"):
        [card] = project_cards([project])
    assert (card.team, card.team_lang) == ("口湖養殖チーム", "ja")
    with translation.override("en"):
        [card] = project_cards([project])
    assert (card.team, card.team_lang) == ("口湖魚塭隊", "zh-Hant-TW")


def test_search_results_show_the_teams_translation(profile, alice):
    from search.localize import localize_hits

    translate_profile(profile, alice, name_en="Kouhu Fish Pond Team")  # a name, no English summary

    def hit():
        return {
            "family": "enterprises",
            "object_id": str(profile.pk),
            "display": {"title": "口湖魚塭隊", "url": "", "township": ""},
            "title_html": "口湖魚塭隊",
            "summary_html": "養殖",
        }

    with translation.override("en"):
        [english] = localize_hits([hit()])
        assert english["display"]["url"] == reverse(
            "marketplace:enterprise_detail", kwargs={"slug": profile.organisation.slug}
        )
    assert (english["display"]["title"], english["lang"]) == ("Kouhu Fish Pond Team", "en")
    # The summary stays the original's, marked as such.
    assert (english["summary_html"], english["summary_lang"]) == ("養殖", "zh-Hant-TW")
    with translation.override("ja"):
        [japanese] = localize_hits([hit()])
    assert (japanese["display"]["title"], japanese["lang"]) == ("口湖魚塭隊", "zh-Hant-TW")


def test_the_index_holds_the_translated_name_and_summary(profile, alice):
    from search.families import EnterpriseFamily

    profile = translate_profile(profile, alice, **ENGLISH, name_ja="口湖養殖チーム", summary_ja="水を節約する養殖")
    document = EnterpriseFamily().to_document(profile)
    assert (document.title_en, document.title_ja) == ("Kouhu Fish Pond Team", "口湖養殖チーム")
    assert document.translated_summaries == ["Fish farming that saves water", "水を節約する養殖"]


def test_every_demo_enterprise_has_its_english_and_japanese_texts():
    slugs = {values[0] for values in DEMO_ENTERPRISES.values()}
    assert set(DEMO_ENTERPRISE_TRANSLATIONS) == slugs
    for texts in DEMO_ENTERPRISE_TRANSLATIONS.values():
        assert set(texts) == {"name_en", "summary_en", "name_ja", "summary_ja"} and all(texts.values())


def test_a_project_is_found_by_the_teams_translated_name(listing, profile, alice):
    from search.families import ProjectFamily

    translate_profile(profile, alice, name_en="Kouhu Fish Pond Team")
    project = ProjectFamily().public_pages().get(pk=listing.project_id)
    assert ProjectFamily().to_document(project).team == "口湖魚塭隊 Kouhu Fish Pond Team"
