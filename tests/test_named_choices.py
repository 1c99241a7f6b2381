"""Choices of reference data (ministries, sectors, counties, townships, programmes) are named in the reader's
language in every filter and form: the models' __str__ is the Chinese name."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from cms.models import Ministry, SupportProgramme, SustainableDevelopmentGoal
from core.forms import name_in_active_language
from places.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def options(client, url, name):
    page = BeautifulSoup(client.get(url).text, "html.parser")
    return [option.get_text() for option in page.select(f"select[name={name}] option")]


def test_each_kind_of_reference_data_is_named_in_the_active_language(townships):
    agriculture = Ministry.objects.get(name_zh="農業部")
    programme = SupportProgramme.objects.create(
        ministry=agriculture, name="青年從農創業貸款", name_en="Young farmers' start-up loan", kind="loan"
    )
    kouhu = Township.objects.select_related("county").get(name_zh="口湖鄉")
    goal = SustainableDevelopmentGoal.objects.get(number=14)
    with translation.override("en"):
        assert name_in_active_language(agriculture) == "Ministry of Agriculture"
        assert name_in_active_language(programme) == "Ministry of Agriculture — Young farmers' start-up loan"
        assert name_in_active_language(kouhu) == "Kouhu Township, Yunlin County"
        assert name_in_active_language(kouhu.county) == "Yunlin County"
        assert name_in_active_language(goal) == "SDG 14 Life Below Water"
    with translation.override("ja"):
        assert name_in_active_language(kouhu) == "雲林県口湖郷"
        # A programme without a Japanese name keeps its Chinese one, after the ministry's Japanese name.
        assert name_in_active_language(programme) == f"{agriculture.name_ja} — 青年從農創業貸款"
    with translation.override("zh-hant"):
        assert name_in_active_language(kouhu) == "雲林縣口湖鄉"


@pytest.mark.parametrize(
    ("url", "field", "expected", "chinese"),
    [
        ("/en/regulatory-issues/", "county", "Yunlin County", "雲林縣"),
        ("/en/regulatory-issues/", "ministry", "Ministry of Agriculture", "農業部"),
        ("/en/programmes/", "ministry", "Ministry of Agriculture", "農業部"),
        ("/ja/regulatory-issues/", "county", "雲林県", "雲林縣"),
    ],
)
def test_public_filters_name_their_choices_in_the_page_language(client, townships, url, field, expected, chinese):
    shown = options(client, url, field)

    assert expected in shown
    assert chinese not in shown


@pytest.mark.parametrize(("language", "words"), [("zh-hant", "請選擇"), ("en", "Choose…"), ("ja", "選択してください")])
def test_an_empty_choice_is_named_in_words_not_dashes(townships, language, words):
    """Django names the empty choice of a select "---------"; every form of the site shows words instead, and a
    form that names its own empty choice keeps it."""
    from accounts.forms import OrganisationCreateForm
    from experiences.forms import FilterForm as ExperienceFilterForm

    with translation.override(language):
        township = BeautifulSoup(str(OrganisationCreateForm()["township"]), "html.parser")
        first = township.select("option")[0]
        own = BeautifulSoup(str(ExperienceFilterForm()["township"]), "html.parser").select("option")[0]

    assert (first["value"], first.get_text()) == ("", words)
    assert "---------" not in str(township)
    assert own.get_text() != words and own["value"] == ""
