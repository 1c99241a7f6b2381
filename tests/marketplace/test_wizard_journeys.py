"""The wizard keeps what a team typed, previews what the public page will show, and a team acts on a rejection
from its own projects page (whose status labels are words, never workflow codes)."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import WorkflowState

from core.actions import ActionRefused
from marketplace import actions
from marketplace.models import DonationCampaign, ProjectDraft
from tests.helpers import with_mfa
from tests.marketplace.test_wizard import funding_data, plan_data, step_url

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def prefixed(data):
    return {f"plan-{key}": value for key, value in data.items()}


@pytest.fixture
def draft(profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="智慧魚塭", summary="省水")
    actions.save_draft_step(alice, draft, "story", story="故事")
    return draft


def test_add_plan_keeps_and_saves_the_donation_fields_typed_on_the_funding_step(client, draft, alice):
    client.force_login(alice)
    response = client.post(step_url(draft, "funding"), {**funding_data(), **prefixed(plan_data()), "add_plan": "1"})

    assert response.status_code == 302
    assert response["Location"].endswith(step_url(draft, "funding") + "#plans-title")
    campaign = DonationCampaign.objects.get(draft=draft)
    assert (campaign.goal_twd, campaign.suggested_amounts_twd) == (200_000, [300, 500, 1_000])
    assert [plan.name for plan in draft.subscription_plans.all()] == ["認養一口魚塭"]
    page = client.get(step_url(draft, "funding")).text
    assert 'value="200000"' in page and 'value="300 500 1000"' in page, "the funding fields come back filled"


def test_a_bad_plan_shows_its_problem_and_keeps_everything_typed_without_saving(client, draft, alice):
    client.force_login(alice)
    response = client.post(
        step_url(draft, "funding"), {**funding_data(), **prefixed(plan_data(price_twd="abc")), "add_plan": "1"}
    )

    assert response.status_code == 400
    assert 'value="200000"' in response.text and 'value="500 300 1,000"' in response.text
    assert 'value="認養一口魚塭"' in response.text
    assert not DonationCampaign.objects.filter(draft=draft).exists() and not draft.subscription_plans.exists()


def test_the_plan_fields_do_not_block_saving_the_funding_step(client, draft, alice):
    client.force_login(alice)
    page = client.get(step_url(draft, "funding")).text
    assert 'name="plan-name"' in page and 'name="plan-name" maxlength="120" required' not in page

    response = client.post(step_url(draft, "funding"), funding_data())
    assert response.status_code == 302 and DonationCampaign.objects.filter(draft=draft).exists()


def test_the_preview_shows_the_photo_amounts_and_rewards_as_money(client, draft, alice):
    from tests.factories.cms import make_image

    draft.image = make_image("fishpond")
    draft.save()
    client.force_login(alice)
    client.post(step_url(draft, "funding"), {**funding_data(), **prefixed(plan_data()), "add_plan": "1"})

    page = client.get(step_url(draft, "preview")).text

    assert "<img" in page and "fishpond" in page
    assert "NT$200,000" in page and "NT$1,000" in page and "NT$500" in page
    assert "每季一箱虱目魚" in page, "what backers receive"
    assert "NT$200000" not in page


def reject(project, comment):
    """A moderator presses "request changes" in the admin (through Wagtail's own view, with its comment)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from cms.actions import MODERATORS_GROUP

    moderator = with_mfa(User.objects.create_user("mod@homeward.test", "a-long-password-2"))  # every admin has one
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    admin = Client()
    admin.force_login(moderator)
    task_state = project.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, "reject", task_state.pk])
    assert admin.post(url, {"comment": comment}).status_code in (200, 302)


def test_a_team_reads_the_reasons_reopens_and_resubmits_a_rejected_project(client, draft, alice):
    from cms.models import ProjectPage

    actions.save_funding_step(alice, draft, seeks_investment=False, campaign_fields=None)
    actions.add_subscription_plan(alice, draft, name="認養", price_twd=500, rewards="魚", season_months=[])
    project, _state = actions.submit_project_draft(alice, draft)
    projects_url = reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})
    client.force_login(alice)
    assert "status-in_review" in client.get(projects_url).text

    reject(project, "請補上魚塭的照片")
    page = client.get(projects_url).text
    assert "請補上魚塭的照片" in page and "status-changes_requested" in page
    assert "under review" not in page

    response = client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))
    assert response["Location"] == step_url(draft, "basics")
    client.post(step_url(draft, "basics"), {"title": "智慧魚塭 第二版", "summary": "省水"})
    response = client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk}))

    assert response.status_code == 302
    draft = ProjectDraft.objects.get(pk=draft.pk)
    assert draft.is_submitted and draft.submitted_project_id == project.pk, "the same page, not a second one"
    project = ProjectPage.objects.get(pk=project.pk)
    assert project.get_latest_revision_as_object().title == "智慧魚塭 第二版"
    assert project.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_only_a_sent_back_submission_can_be_reopened(client, draft, alice):
    actions.save_funding_step(alice, draft, seeks_investment=False, campaign_fields=None)
    actions.add_subscription_plan(alice, draft, name="認養", price_twd=500, rewards="魚", season_months=[])
    actions.submit_project_draft(alice, draft)
    client.force_login(alice)

    response = client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))

    assert response["Location"].endswith(
        reverse("marketplace:enterprise_projects", args=[draft.enterprise.organisation.slug])
    )
    assert ProjectDraft.objects.get(pk=draft.pk).is_submitted, "a submission in review stays as it is"


def test_a_translated_project_is_recommended_once(market):
    from wagtail.models import Locale

    from marketplace.matching import recommend_projects

    bamboo = market["bamboo"]
    Locale.objects.get_or_create(language_code="en")
    copy = bamboo.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    copy.save_revision().publish()

    keys = [recommendation.project.translation_key for recommendation in recommend_projects(market["company"])]

    assert bamboo.translation_key in keys
    assert len(keys) == len(set(keys))


def test_a_team_edits_its_live_project_and_the_live_page_stays_until_approved(client, listing, alice):
    from cms.models import ProjectPage

    draft = ProjectDraft.objects.get(submitted_project=listing.project)
    live_title = listing.project.title
    projects_url = reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})
    client.force_login(alice)
    assert reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}) in client.get(projects_url).text

    client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))
    client.post(step_url(draft, "basics"), {"title": "智慧魚塭 新版", "summary": "省水"})
    refused = client.post(step_url(draft, "funding"), {**funding_data(), **prefixed(plan_data()), "add_plan": "1"})
    assert refused.status_code == 302 and listing.subscription_plans.count() == 1, "the money terms stay"
    assert 'name="plan-name"' not in client.get(step_url(draft, "funding")).text, "no plan form on a live project"
    with translation.override("en"), pytest.raises(ActionRefused, match="backers saw them"):
        actions.add_subscription_plan(
            alice, ProjectDraft.objects.get(pk=draft.pk), name="新方案", price_twd=900, rewards="魚", season_months=[]
        )
    client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk}))

    project = ProjectPage.objects.get(pk=listing.project_id)
    assert project.live and project.title == live_title, "the live page is unchanged until approved"
    assert project.get_latest_revision_as_object().title == "智慧魚塭 新版"
    assert project.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert "status-live" in client.get(projects_url).text
