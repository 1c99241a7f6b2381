"""The wizard keeps what a team typed, previews what the public page will show, and a team acts on a rejection
from its own projects page (whose status labels are words, never workflow codes)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import WorkflowState

from core.actions import ActionRefused
from core.audit import Action
from core.models import AuditEntry
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


def test_a_refused_plan_shows_its_reason_at_the_plans_name_and_keeps_what_was_typed(client, draft, alice):
    """A second plan of the same name is refused: the reason sits beside the plan's name (not above the funding
    form), the plan form comes back as typed, and nothing of the request is saved."""
    actions.add_subscription_plan(alice, draft, name="認養一口魚塭", price_twd=300, rewards="r")
    client.force_login(alice)
    typed = prefixed(plan_data(price_twd="800", rewards="每月一箱蛤蜊"))

    with translation.override("en"):
        response = client.post(step_url(draft, "funding"), {**funding_data(), **typed, "add_plan": "1"})
        legacy = client.post(reverse("marketplace:draft_plan_add", kwargs={"pk": draft.pk}), plan_data(price_twd="800"))

    assert response.status_code == legacy.status_code == 400
    assert "already has a plan called" in str(response.context["plan_form"].errors["name"])
    assert not response.context["form"].errors, "the funding form itself was fine"
    assert "already has a plan called" in str(legacy.context["plan_form"].errors["name"])
    page = response.text
    plan_part = page[page.index('class="plan-fieldset"') :]
    assert "already has a plan called" in plan_part and 'value="800"' in plan_part and "每月一箱蛤蜊" in plan_part
    assert "already has a plan called" not in page[: page.index('class="plan-fieldset"')]
    assert draft.subscription_plans.count() == 1 and not DonationCampaign.objects.filter(draft=draft).exists()


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


def test_the_team_is_told_the_reason_with_a_link_to_its_projects_page(
    client, draft, alice, django_capture_on_commit_callbacks
):
    from django.core import mail

    from notifications.models import Notification

    actions.save_funding_step(alice, draft, seeks_investment=False, campaign_fields=None)
    actions.add_subscription_plan(alice, draft, name="認養", price_twd=500, rewards="魚", season_months=[])
    project, _state = actions.submit_project_draft(alice, draft)
    projects_url = reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reject(project, "請補上魚塭的照片")

    bell = Notification.objects.get(recipient=alice, kind=Notification.Kind.SUBMISSION_REJECTED)
    assert bell.url == projects_url and bell.body == "請補上魚塭的照片"
    (email,) = [m for m in mail.outbox if m.to == [alice.email]]
    assert "請補上魚塭的照片" in email.body and projects_url in email.body
    client.force_login(alice)
    assert projects_url in client.get(reverse("cms:review_notices")).text


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


def decide(project, action, comment=""):
    """A moderator approves or sends back `project` in the admin, through Wagtail's own view."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from cms.actions import MODERATORS_GROUP

    moderator = User.objects.filter(email="mod@homeward.test").first() or with_mfa(
        User.objects.create_user("mod@homeward.test", "a-long-password-2")
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    admin = Client()
    admin.force_login(moderator)
    task_state = project.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, action, task_state.pk])
    response = admin.post(url, {"comment": comment})
    assert response.status_code in (200, 302), response.content[:500]
    return moderator


def jpeg(name):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def live_page(listing):
    from cms.models import ProjectPage

    return ProjectPage.objects.get(pk=listing.project_id)


def test_a_team_edits_its_live_project_and_the_live_page_stays_until_approved(client, listing, campaign, alice):
    """Text, photo, investment ask, donation campaign, a new plan and a milestone: all wait for the moderators; on
    approval the page and its listing take them, through the named action with its audit entry."""
    from core.models import AuditEntry

    draft = ProjectDraft.objects.get(submitted_project=listing.project)
    live_title = listing.project.title
    projects_url = reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})
    client.force_login(alice)
    assert reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}) in client.get(projects_url).text

    client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))
    client.post(step_url(draft, "basics"), {"title": "智慧魚塭 新版", "summary": "省水"})
    client.post(
        step_url(draft, "story"), {"story": "新故事", "image": jpeg("pond-new.jpg"), "image_description": "新的魚塭"}
    )
    funding = funding_data(donation_model="keep_what_you_raise", donation_goal_twd="50000", suggested_amounts="600")
    response = client.post(
        step_url(draft, "funding"), {**funding, **prefixed(plan_data(name="家庭方案")), "add_plan": "1"}
    )
    assert response.status_code == 302, response.text[-2000:]
    client.post(reverse("marketplace:draft_milestone_add", kwargs={"pk": draft.pk}), {"title": "第二座"})
    assert client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk})).status_code == 302

    project = live_page(listing)
    listing.refresh_from_db()
    campaign.refresh_from_db()
    assert project.live and project.title == live_title, "the live page is unchanged until approved"
    assert project.get_latest_revision_as_object().title == "智慧魚塭 新版"
    assert project.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not listing.seeks_investment and listing.ask_max_twd is None, "the investment ask waits"
    assert (campaign.goal_twd, campaign.suggested_amounts_twd) == (10_000, [300, 1_000]), "the campaign waits"
    assert [plan.name for plan in listing.subscription_plans.all()] == ["認養"], "the new plan waits"
    assert [milestone.title for milestone in listing.milestones.all()] == ["第一座"]
    public = client.get(project.url).text
    assert "智慧魚塭 新版" not in public and "家庭方案" not in public and "第二座" not in public
    assert "status-live" in client.get(projects_url).text

    moderator = decide(project, "approve")

    project = live_page(listing)
    listing.refresh_from_db()
    campaign.refresh_from_db()
    assert project.title == "智慧魚塭 新版" and project.hero_image.description == "新的魚塭"
    assert (listing.seeks_investment, listing.ask_min_twd, listing.ask_max_twd) == (True, 300_000, 900_000)
    assert (campaign.goal_twd, campaign.suggested_amounts_twd) == (50_000, [600]), "the same campaign, new terms"
    assert DonationCampaign.objects.filter(listing=listing).count() == 1
    assert [plan.name for plan in listing.subscription_plans.all()] == ["認養", "家庭方案"]
    assert [milestone.title for milestone in listing.milestones.all()] == ["第一座", "第二座"]
    entry = AuditEntry.objects.get(action="project.changes_apply")
    assert entry.actor == moderator and entry.data["project"] == project.pk
    assert set(entry.data["changed"]) >= {"seeks_investment", "donation_campaign", "subscription_plans", "milestones"}
    public = client.get(project.url).text
    assert "智慧魚塭 新版" in public and "家庭方案" in public and "第二座" in public
    page = client.get(projects_url).text
    assert "status-live" in page and reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}) in page


def test_a_rejected_change_to_a_live_project_comes_back_with_the_reasons_and_is_resubmitted(client, listing, alice):
    draft = ProjectDraft.objects.get(submitted_project=listing.project)
    live_title = listing.project.title
    projects_url = reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})
    client.force_login(alice)
    client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))
    client.post(step_url(draft, "basics"), {"title": "最便宜的魚塭", "summary": "省水"})
    client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk}))

    decide(live_page(listing), "reject", "標題請勿使用最高級")

    page = client.get(projects_url).text
    assert "status-changes_requested" in page and "標題請勿使用最高級" in page
    assert live_page(listing).live and live_page(listing).title == live_title, "the live page stays"
    client.post(reverse("marketplace:draft_reopen", kwargs={"pk": draft.pk}))
    assert 'value="最便宜的魚塭"' in client.get(step_url(draft, "basics")).text, "the submission comes back editable"
    client.post(step_url(draft, "basics"), {"title": "口湖的魚塭", "summary": "省水"})
    client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk}))
    assert "status-live" in client.get(projects_url).text and live_page(listing).title == live_title

    decide(live_page(listing), "approve")

    assert live_page(listing).title == "口湖的魚塭"
    assert "status-live" in client.get(projects_url).text


def test_what_backers_rely_on_stays_on_a_live_project(client, listing, campaign, alice):
    draft = ProjectDraft.objects.get(submitted_project=listing.project)
    actions.reopen_project_draft(alice, draft)
    draft = ProjectDraft.objects.get(pk=draft.pk)
    client.force_login(alice)

    with translation.override("en"), pytest.raises(ActionRefused, match="already back stays"):
        actions.remove_subscription_plan(alice, draft, listing.subscription_plans.get().pk)
    with translation.override("en"), pytest.raises(ActionRefused, match="milestone on the live page"):
        actions.remove_milestone(alice, draft, listing.milestones.get().pk)
    with translation.override("en"), pytest.raises(ActionRefused, match="missed stays"):
        client_fields = {"goal_twd": 10_000, "deadline": campaign.deadline, "suggested_amounts_twd": []}
        actions.save_donation_campaign(alice, draft, {**client_fields, "funding_model": "all_or_nothing"})
    response = client.post(step_url(draft, "funding"), funding_data(accepts_donations=""))
    with translation.override("zh-hant"):
        refusal = escape(
            gettext("Donations to a live project stay open until the campaign's deadline: change the deadline instead.")
        )
    assert response.status_code == 400 and refusal in response.text
    page = client.get(step_url(draft, "funding")).text
    assert 'name="plan-name"' in page, "new plans can be added"
    assert f"remove-plan-{listing.subscription_plans.get().pk}" not in page
    assert listing.subscription_plans.count() == 1 and DonationCampaign.objects.filter(listing=listing).count() == 1


def test_approving_a_new_project_applies_nothing_twice(listing, alice):
    from marketplace.actions import apply_approved_project_changes

    before = listing.subscription_plans.count(), listing.milestones.count()
    assert apply_approved_project_changes(listing.project) == []
    assert (listing.subscription_plans.count(), listing.milestones.count()) == before


def test_a_replaced_draft_photo_leaves_the_library_when_nothing_else_uses_it(
    draft, alice, django_capture_on_commit_callbacks
):
    from cms.models import CustomImage

    actions.save_story_step(alice, draft, story="故事", image=jpeg("first.jpg"), image_description="第一張")
    first = ProjectDraft.objects.get(pk=draft.pk).image
    storage, name = first.file.storage, first.file.name

    with django_capture_on_commit_callbacks(execute=True):  # Wagtail removes the file once the deletion commits
        actions.save_story_step(
            alice, ProjectDraft.objects.get(pk=draft.pk), story="故事", image=jpeg("second.jpg"), image_description="二"
        )

    draft.refresh_from_db()
    assert list(CustomImage.objects.all()) == [draft.image]
    assert not storage.exists(name), "the replaced photo's file is gone too"
    # Saving the story again without a new photo keeps the photo.
    actions.save_story_step(alice, draft, story="新故事")
    assert CustomImage.objects.get() == ProjectDraft.objects.get(pk=draft.pk).image


def test_a_replaced_photo_another_draft_or_a_page_revision_uses_is_kept(draft, alice, profile, listing):
    from cms.actions import image_in_use
    from cms.models import CustomImage, ProjectPage
    from tests.factories.cms import make_image

    shared, in_revision = make_image("shared"), make_image("in-revision")
    other = actions.start_project_draft(alice, profile.organisation)
    other.image = shared
    other.save()
    draft.image = shared
    draft.save()

    actions.save_story_step(alice, draft, story="故事", image=jpeg("new.jpg"), image_description="新的")

    assert CustomImage.objects.filter(pk=shared.pk).exists(), "another draft still shows it"
    # A page whose only hold on the photo is a revision (a version waiting for review): the photo stays.
    page = ProjectPage.objects.get(pk=listing.project_id)
    assert not image_in_use(in_revision)
    page.hero_image = in_revision
    page.save_revision()
    assert ProjectPage.objects.get(pk=page.pk).hero_image_id != in_revision.pk, "only the revision holds it"
    assert image_in_use(in_revision)
    draft.refresh_from_db()
    draft.image = in_revision
    draft.save()
    actions.save_story_step(alice, draft, story="故事", image=jpeg("newer.jpg"), image_description="更新")
    assert CustomImage.objects.filter(pk=in_revision.pk).exists()


@pytest.mark.parametrize(
    ("language", "button"), [("zh-hant", "刪除這份草稿"), ("en", "Delete this draft"), ("ja", "この下書きを削除")]
)
def test_a_deleted_draft_takes_its_photo_out_of_the_library(
    client, draft, alice, profile, language, button, django_capture_on_commit_callbacks
):
    """A draft's uploaded photo stayed in storage, and as a library image, after the draft was given up."""
    from cms.models import CustomImage

    actions.save_story_step(alice, draft, story="故事", image=jpeg("photo.jpg"), image_description="魚塭")
    photo = ProjectDraft.objects.get(pk=draft.pk).image
    storage, name = photo.file.storage, photo.file.name
    actions.add_milestone(alice, draft, title="第一批", target_date=None)
    client.force_login(alice)
    with translation.override(language):
        projects = reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug})
        delete = reverse("marketplace:draft_delete", kwargs={"pk": draft.pk})
    assert button in client.get(projects).text

    with django_capture_on_commit_callbacks(execute=True):  # Wagtail removes the file once the deletion commits
        response = client.post(delete)

    assert response.status_code == 302 and response["Location"] == projects
    assert not ProjectDraft.objects.filter(pk=draft.pk).exists()
    assert not CustomImage.objects.filter(pk=photo.pk).exists()
    assert not storage.exists(name), "the photo's file is gone too"
    assert AuditEntry.objects.filter(action=Action.PROJECT_DRAFT_DELETE, data__draft=draft.pk).exists()


def test_a_deleted_drafts_photo_that_another_draft_shows_is_kept(client, draft, alice, profile):
    from cms.models import CustomImage
    from tests.factories.cms import make_image

    shared = make_image("shared")
    other = actions.start_project_draft(alice, profile.organisation)
    for holder in (draft, other):
        holder.image = shared
        holder.save()
    client.force_login(alice)

    assert client.post(reverse("marketplace:draft_delete", kwargs={"pk": draft.pk})).status_code == 302

    assert not ProjectDraft.objects.filter(pk=draft.pk).exists()
    assert CustomImage.objects.filter(pk=shared.pk).exists(), "the other draft still shows it"
    assert ProjectDraft.objects.get(pk=other.pk).image == shared


def test_a_submitted_draft_is_not_deleted(client, alice, listing):
    draft = ProjectDraft.objects.get(submitted_project_id=listing.project_id)
    photo = draft.image
    with pytest.raises(ActionRefused):
        actions.delete_project_draft(alice, draft)
    client.force_login(alice)
    client.post(reverse("marketplace:draft_delete", kwargs={"pk": draft.pk}))
    assert ProjectDraft.objects.filter(pk=draft.pk).exists()
    assert photo is None or type(photo).objects.filter(pk=photo.pk).exists()
