"""A team writes its project in English and Japanese too (#15): the optional texts of the wizard become the page's
translations, reviewed by the moderators as the original is; plans read in the reader's language."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, WorkflowState

from cms.actions import MODERATORS_GROUP
from cms.models import ProjectPage
from marketplace import actions
from marketplace.models import ProjectDraft, SubscriptionPlan
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def version(project, code):
    return Page.objects.get(translation_key=project.translation_key, locale__language_code=code).specific


@pytest.fixture
def moderator(cms_site, django_user_model):
    user = django_user_model.objects.create_user("mod@homeward.test", "a-long-password-2")
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return with_mfa(user)


def written_draft(alice, profile, **translations):
    draft = actions.start_project_draft(alice, profile.organisation)
    basics = {k: v for k, v in translations.items() if k.startswith(("title_", "summary_"))}
    actions.save_draft_step(alice, draft, "basics", title="智慧魚塭", summary="省水省電的魚塭", **basics)
    stories = {k: v for k, v in translations.items() if k.startswith("story_")}
    actions.save_story_step(alice, draft, story="第一段\n\n第二段", **stories)
    actions.add_subscription_plan(
        alice,
        draft,
        name="認養一口魚塭",
        price_twd=500,
        interval="month",
        rewards="每季一箱虱目魚",
        name_en="Adopt a pond",
        rewards_en="A box of milkfish each season",
    )
    return draft


def test_the_wizard_form_takes_the_optional_translations(client, profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    url = reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "basics"})
    page = client.get(url).content.decode()
    assert 'name="title_en"' in page and 'name="summary_ja"' in page and 'lang="ja"' in page

    response = client.post(url, {"title": "智慧魚塭", "summary": "魚塭", "summary_en": "Ponds"})
    assert response.status_code == 400  # an English summary needs its English title
    assert "title_en" in response.context["form"].errors

    response = client.post(
        url, {"title": "智慧魚塭", "summary": "魚塭", "title_ja": "スマート養殖池", "summary_ja": "池"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_ja, draft.summary_ja, draft.title_en) == ("スマート養殖池", "池", "")

    story_url = reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "story"})
    client.post(story_url, {"story": "第一段", "story_en": "First part\n\nSecond part"})
    draft.refresh_from_db()
    assert draft.story_en == "First part\n\nSecond part"


def test_the_teams_translations_are_reviewed_and_go_live_with_approval(profile, alice, moderator):
    draft = written_draft(
        alice, profile, title_en="Smart fish ponds", summary_en="Ponds that save water", story_en="Part one\n\nTwo"
    )

    project, _state = actions.submit_project_draft(alice, draft)

    english, japanese = version(project, "en"), version(project, "ja")
    assert japanese.alias_of_id == project.pk  # no Japanese text: the original is shown with a note
    assert english.alias_of_id is None and not english.live
    latest = english.get_latest_revision_as_object()
    assert (latest.title, latest.summary) == ("Smart fish ponds", "Ponds that save water")
    assert [block.value.source for block in latest.body] == ["<p>Part one</p><p>Two</p>"]
    # The same review as the original: in the moderators' project review, waiting for them.
    state = english.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == project.current_workflow_state.workflow
    assert ProjectDraft.objects.get(pk=draft.pk).title_en == "Smart fish ponds"

    for page in (project, english):
        page.current_workflow_state.current_task_state.approve(user=moderator)

    english = ProjectPage.objects.get(pk=english.pk)
    assert english.live and english.title == "Smart fish ponds" and english.url.startswith("/en/")


def test_plans_read_in_the_readers_language(profile, alice):
    draft = written_draft(alice, profile)
    plan = SubscriptionPlan.objects.get(draft=draft)
    with translation.override("en"):
        assert (plan.shown_name, plan.shown_rewards, plan.shown_lang) == (
            "Adopt a pond",
            "A box of milkfish each season",
            "en",
        )
    with translation.override("ja"):  # no Japanese text: the original, marked as Chinese
        assert (plan.shown_name, plan.shown_lang) == ("認養一口魚塭", "zh-Hant-TW")
    with translation.override("zh-hant"):
        assert plan.shown_name == "認養一口魚塭"


def test_the_preview_shows_the_project_as_each_languages_reader_will_see_it(client, profile, alice):
    from bs4 import BeautifulSoup

    draft = written_draft(
        alice, profile, title_en="Smart fish ponds", summary_en="Ponds that save water", story_en="One"
    )
    client.force_login(alice)
    url = reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "preview"})

    def preview(query=""):
        html = BeautifulSoup(client.get(url + query).content, "html.parser")
        return html, html.select_one("article.project-preview")

    page, article = preview()
    # The switch: the three languages, the original shown first.
    tabs = page.select("nav.preview-languages li")
    assert [tab.get_text(strip=True) for tab in tabs] == ["繁體中文", "English", "日本語"]
    assert tabs[0].a.get("aria-current") == "page" and tabs[1].a["href"] == "?show=en"
    assert article.select_one(".preview-title").get_text(strip=True) == "智慧魚塭"

    page, article = preview("?show=en")
    assert article["lang"] == "en"
    title = article.select_one(".preview-title")
    assert (title.get_text(strip=True), title["lang"]) == ("Smart fish ponds", "en")
    assert article.select_one(".lead").get_text(strip=True) == "Ponds that save water"
    assert article.select_one(".prose").get_text(strip=True) == "One"
    assert article.select_one(".plan-name").get_text(strip=True) == "Adopt a pond"
    assert article.select_one("#preview-funding-title").get_text(strip=True) == "Back this project"
    assert not article.select(".untranslated-note")
    # The wizard around it stays in the team's language.
    assert page.select_one("nav.preview-languages li [aria-current]").get_text(strip=True) == "English"
    assert "預覽" in page.h2.get_text()

    # No Japanese title: the original, marked, under the note a Japanese reader will see.
    page, article = preview("?show=ja")
    title = article.select_one(".preview-title")
    assert (title.get_text(strip=True), title["lang"]) == ("智慧魚塭", "zh-Hant-TW")
    assert article.select_one(".prose")["lang"] == "zh-Hant-TW"
    assert "原文" in article.select_one(".untranslated-note").get_text()
    plan = article.select_one(".plan-name")
    assert (plan.get_text(strip=True), plan["lang"]) == ("認養一口魚塭", "zh-Hant-TW")
    assert page.find("a", href=reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "basics"}))

    # Looking changes nothing: the draft keeps every text, and an unknown language shows the original.
    draft.refresh_from_db()
    assert (draft.title, draft.title_en, draft.story_en, draft.step) == (
        "智慧魚塭",
        "Smart fish ponds",
        "One",
        draft.step,
    )
    _page, article = preview("?show=xx")
    assert article.select_one(".preview-title").get_text(strip=True) == "智慧魚塭"


def test_the_use_of_funds_is_read_in_the_readers_language_when_the_team_wrote_it(client, profile, alice):
    from payments.funding import funding_panel_for

    draft = written_draft(alice, profile)
    client.force_login(alice)
    funding_url = reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "funding"})
    assert 'name="use_of_funds_en"' in client.get(funding_url).content.decode()
    actions.save_funding_step(
        alice,
        draft,
        campaign_fields=None,
        seeks_investment=True,
        ask_min_twd=500_000,
        ask_max_twd=1_000_000,
        instrument="loan",
        stage="idea",
        use_of_funds="擴建三處魚塭",
        use_of_funds_en="Three more ponds",
        use_of_funds_ja="",
    )
    preview = reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "preview"})
    assert '<p lang="en">Three more ponds</p>' in client.get(preview + "?show=en").content.decode()

    project, _state = actions.submit_project_draft(alice, draft)
    project.save_revision().publish()

    with translation.override("en"):
        ask = funding_panel_for(project).investment_ask
    assert (ask.use_of_funds, ask.use_of_funds_lang) == ("Three more ponds", "en")
    with translation.override("ja"):
        ask = funding_panel_for(project).investment_ask
    assert (ask.use_of_funds, ask.use_of_funds_lang) == ("擴建三處魚塭", "zh-Hant-TW")
