import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import WorkflowState

from cms.models import Ministry, ProjectPage, SupportProgramme
from cms.public import public_projects
from core.actions import ActionRefused
from marketplace import actions
from marketplace.models import DonationCampaign, Milestone, ProjectDraft, ProjectListing, SubscriptionPlan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def step_url(draft, step):
    return reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": step})


@pytest.fixture
def programme(db):
    return SupportProgramme.objects.create(
        name="地方創生青年培力",
        ministry=Ministry.objects.get(name_zh="國家發展委員會"),
        kind=SupportProgramme.Kind.TALENT,
    )


def funding_data(**extra):
    return {
        "seeks_investment": "on",
        "ask_min_twd": "300,000",
        "ask_max_twd": "NT$900000",
        "instrument": "revenue_share",
        "stage": "prototype",
        "use_of_funds": "感測器",
        "accepts_donations": "on",
        "donation_goal_twd": "200000",
        "donation_deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "donation_model": "all_or_nothing",
        "suggested_amounts": "500 300 1,000",
        **extra,
    }


def plan_data(**extra):
    return {
        "name": "認養一口魚塭",
        "price_twd": "500",
        "interval": "month",
        "rewards": "每季一箱虱目魚",
        "seasonal": "on",
        "season_months": ["6", "7", "8"],
        **extra,
    }


def test_the_wizard_end_to_end(client, profile, bob, alice, kouhu, programme):
    client.force_login(bob)
    start = client.post(reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug}))
    draft = ProjectDraft.objects.get()
    assert start["Location"] == step_url(draft, "basics")

    client.post(step_url(draft, "basics"), {"title": "智慧魚塭", "summary": "省水省電的魚塭"})
    draft.refresh_from_db()
    assert (draft.title, draft.step) == ("智慧魚塭", "story")

    # The person leaves and comes back: the draft remembers what was typed and where they were.
    client.logout()
    client.force_login(bob)
    listing_page = client.get(reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug}))
    assert step_url(draft, "story") in listing_page.text
    assert "智慧魚塭" in client.get(step_url(draft, "basics")).text

    client.post(step_url(draft, "story"), {"story": "第一段\n\n第二段 <script>"})
    first = client.post(step_url(draft, "funding"), funding_data(support_programmes=[programme.pk]))
    assert first.status_code == 302, first.context["form"].errors
    client.post(reverse("marketplace:draft_plan_add", kwargs={"pk": draft.pk}), plan_data())
    client.post(step_url(draft, "funding"), funding_data(support_programmes=[programme.pk]))
    client.post(reverse("marketplace:draft_milestone_add", kwargs={"pk": draft.pk}), {"title": "第一座魚塭"})
    client.post(step_url(draft, "milestones"))
    preview = client.get(step_url(draft, "preview"))
    assert "智慧魚塭" in preview.text and "認養一口魚塭" in preview.text
    assert "&lt;script&gt;" in preview.text

    response = client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk}))

    assert response.status_code == 302
    project = ProjectPage.objects.get(title="智慧魚塭", locale__language_code="zh-hant")  # not its en/ja aliases
    assert project.township == kouhu and not project.live
    assert project.get_parent().specific.township == kouhu
    assert project.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert project not in public_projects()
    listing = ProjectListing.objects.get(project=project)
    assert (listing.enterprise, listing.ask_min_twd, listing.ask_max_twd) == (profile, 300_000, 900_000)
    assert list(listing.subscription_plans.values_list("price_twd", "season_months")) == [(500, [6, 7, 8])]
    campaign = DonationCampaign.objects.get(listing=listing)
    assert (campaign.goal_twd, campaign.suggested_amounts_twd) == (200_000, [300, 500, 1000])
    assert list(listing.milestones.values_list("title", flat=True)) == ["第一座魚塭"]
    # The page's classification lives in its revision until a moderator publishes it.
    assert list(project.get_latest_revision_as_object().support_programmes.all()) == [programme]
    page = client.get(reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug}))
    with translation.override("zh-hant"):
        assert "under review" in page.text or "審核中" in page.text
    # A submitted draft is closed.
    again = client.post(step_url(draft, "basics"), {"title": "改名", "summary": "x"})
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "智慧魚塭"


def test_a_draft_without_a_way_to_support_is_not_submitted(profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="x", summary="y")
    actions.save_draft_step(alice, draft, "story", story="z")

    with translation.override("en"), pytest.raises(ActionRefused, match="at least one way"):
        actions.submit_project_draft(alice, draft)
    assert not ProjectPage.objects.filter(title="x").exists()


def test_a_draft_needs_a_profile_first(cms_site, team, alice):
    with pytest.raises(ActionRefused):
        actions.start_project_draft(alice, team)


def test_someone_outside_the_team_cannot_touch_its_draft(profile, alice, mallory):
    draft = actions.start_project_draft(alice, profile.organisation)
    with pytest.raises(PermissionDenied):
        actions.save_draft_step(mallory, draft, "basics", title="taken")
    with pytest.raises(PermissionDenied):
        actions.add_subscription_plan(mallory, draft, name="x", price_twd=1, rewards="x")
    with pytest.raises(PermissionDenied):
        actions.submit_project_draft(mallory, draft)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ask_min_twd": "-5"}, "ask_min_twd", "smallest amount"),
        ({"ask_min_twd": "300.5"}, "ask_min_twd", "without decimals"),
        ({"ask_max_twd": "1000000001"}, "ask_max_twd", "largest amount is NT$1,000,000,000"),
        ({"donation_goal_twd": "100000001"}, "donation_goal_twd", "largest amount is NT$100,000,000"),
        ({"ask_min_twd": "900000", "ask_max_twd": "300000"}, "ask_max_twd", "upper end"),
        ({"instrument": ""}, "instrument", "instrument"),
        ({"donation_deadline": "2000-01-01"}, "donation_deadline", "in the future"),
        ({"donation_goal_twd": "0"}, "donation_goal_twd", "smallest amount"),
        ({"suggested_amounts": "500 abc"}, "suggested_amounts", "abc"),
    ],
)
def test_bad_funding_input_is_explained_and_nothing_is_saved(client, profile, alice, change, field, message):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    with translation.override("en"):
        response = client.post(f"/en/projects/drafts/{draft.pk}/funding/", funding_data(**change))
        errors = str(response.context["form"].errors[field])

    assert response.status_code == 400
    assert message in errors
    draft.refresh_from_db()
    assert not draft.seeks_investment and draft.step == "basics"
    assert not DonationCampaign.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price_twd": "0"}, "price_twd", "smallest amount"),
        ({"price_twd": "-500"}, "price_twd", "smallest amount"),
        ({"price_twd": "499.9"}, "price_twd", "without decimals"),
        ({"season_months": []}, "season_months", "Choose the months"),
        ({"max_backers": "0"}, "max_backers", "greater than or equal to 1"),
    ],
)
def test_bad_plans_are_explained_and_not_saved(client, profile, alice, change, field, message):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    with translation.override("en"):
        response = client.post(f"/en/projects/drafts/{draft.pk}/plans/add/", plan_data(**change))
        errors = str(response.context["plan_form"].errors[field])

    assert response.status_code == 400
    assert message in errors
    assert not SubscriptionPlan.objects.exists()


def test_an_investment_ask_may_exceed_the_payment_ceiling(client, profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    client.post(step_url(draft, "funding"), funding_data(ask_min_twd="3,000,000", ask_max_twd="8000000"))

    draft.refresh_from_db()
    assert (draft.ask_min_twd, draft.ask_max_twd) == (3_000_000, 8_000_000)


def test_a_donation_goal_may_exceed_one_payments_ceiling(client, profile, alice):
    """A goal is the sum of many donations: NT$3,000,000 to rebuild a house is a goal, not one card payment."""
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    response = client.post(step_url(draft, "funding"), funding_data(donation_goal_twd="NT$3,000,000"))

    assert response.status_code == 302
    assert DonationCampaign.objects.get(draft=draft).goal_twd == 3_000_000


@pytest.mark.parametrize(
    "invisible", ["\u200b\u200b", "\u200b \u200d\ufeff", "\u00ad\u2060", "\u3164", "\u2800 \u200c"]
)
def test_text_that_shows_nothing_is_asked_for_again(client, profile, alice, invisible):
    """Zero-width characters and blanks pass a browser's `required` but show nothing: a title, summary, story or
    plan made of them would be an empty card. They count as empty."""
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    with translation.override("en"):
        basics = client.post(step_url(draft, "basics"), {"title": invisible, "summary": invisible})
        story = client.post(step_url(draft, "story"), {"story": invisible})
        plan = client.post(f"/en/projects/drafts/{draft.pk}/plans/add/", plan_data(name=invisible, rewards=invisible))

    assert basics.status_code == story.status_code == plan.status_code == 400
    assert set(basics.context["form"].errors) == {"title", "summary"}
    assert set(story.context["form"].errors) == {"story"}
    assert set(plan.context["plan_form"].errors) == {"name", "rewards"}
    draft.refresh_from_db()
    assert draft.title == draft.story == "" and not SubscriptionPlan.objects.exists()


def test_text_with_joiners_inside_is_kept_as_typed(client, profile, alice):
    """Only text that shows nothing is empty: an emoji joined with ZWJ or a word with a soft hyphen stays."""
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    client.post(step_url(draft, "basics"), {"title": "👩\u200d🌾 回鄉種田", "summary": "Fisch\u00adzucht"})

    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("👩\u200d🌾 回鄉種田", "Fisch\u00adzucht")


def test_a_double_click_on_add_adds_one_plan_and_one_milestone(client, profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    plan_url = f"/en/projects/drafts/{draft.pk}/plans/add/"
    milestone_url = f"/en/projects/drafts/{draft.pk}/milestones/add/"
    milestone = {"title": "魚塭整修完成", "target_date": "2030-06-30"}

    with translation.override("en"):
        first, second = client.post(plan_url, plan_data()), client.post(plan_url, plan_data(), follow=True)
        client.post(milestone_url, milestone)
        again = client.post(milestone_url, milestone, follow=True)

    assert first.status_code == 302
    assert "already has a plan called “認養一口魚塭”" in second.text
    assert "already has the milestone “魚塭整修完成”" in again.text
    # Refused by the action, the milestone comes back on its step with what was typed (it was a redirect).
    assert again.status_code == 400 and again.redirect_chain == []
    assert 'value="魚塭整修完成"' in again.text and 'value="2030-06-30"' in again.text
    assert draft.subscription_plans.count() == 1 and draft.milestones.count() == 1
    # Another plan, or the same milestone on another date, is added.
    actions.add_subscription_plan(alice, draft, name="認養兩口魚塭", price_twd=500, rewards="r")
    actions.add_milestone(alice, draft, title="魚塭整修完成", target_date=datetime.date(2031, 6, 30))
    assert draft.subscription_plans.count() == 2 and draft.milestones.count() == 2


def test_a_story_or_plan_of_megabytes_is_refused_and_nothing_is_saved(client, profile, alice):
    """The story, the use of funds and a plan's rewards have bounds (with the browser's maxlength): one post of
    megabytes no longer lands in a page, its search entry and the moderators' queue."""
    from marketplace.forms import REWARDS_MAX_LENGTH, STORY_MAX_LENGTH, USE_OF_FUNDS_MAX_LENGTH

    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    story = client.post(step_url(draft, "story"), {"story": "魚" * (STORY_MAX_LENGTH + 1)})
    funding = client.post(step_url(draft, "funding"), funding_data(use_of_funds="魚" * (USE_OF_FUNDS_MAX_LENGTH + 1)))
    plan = client.post(f"/en/projects/drafts/{draft.pk}/plans/add/", plan_data(rewards_en="fish " * REWARDS_MAX_LENGTH))
    kept = client.post(step_url(draft, "story"), {"story": "魚" * STORY_MAX_LENGTH})

    assert story.status_code == funding.status_code == plan.status_code == 400
    assert f'maxlength="{STORY_MAX_LENGTH}"' in story.text
    assert "story" in story.context["form"].errors and "use_of_funds" in funding.context["form"].errors
    assert "rewards_en" in plan.context["plan_form"].errors
    assert kept.status_code == 302
    draft.refresh_from_db()
    assert len(draft.story) == STORY_MAX_LENGTH and not draft.seeks_investment
    assert not SubscriptionPlan.objects.exists()


def test_a_plan_without_a_season_ships_all_year(client, profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    client.post(reverse("marketplace:draft_plan_add", kwargs={"pk": draft.pk}), plan_data(seasonal=""))
    assert SubscriptionPlan.objects.get().season_months == []


def test_a_form_posted_for_another_organisation_is_refused(client, profile, alice, mallory):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(mallory)

    responses = [
        client.post(step_url(draft, "basics"), {"title": "taken", "summary": "x"}),
        client.post(reverse("marketplace:draft_plan_add", kwargs={"pk": draft.pk}), plan_data()),
        client.post(reverse("marketplace:draft_submit", kwargs={"pk": draft.pk})),
        client.post(reverse("marketplace:enterprise_projects", kwargs={"slug": profile.organisation.slug})),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    draft.refresh_from_db()
    assert draft.title == "" and ProjectDraft.objects.count() == 1 and not SubscriptionPlan.objects.exists()


def test_a_removed_milestone_and_plan_are_gone(profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    plan = actions.add_subscription_plan(alice, draft, name="x", price_twd=500, rewards="r")
    milestone = actions.add_milestone(alice, draft, title="m", target_date=None)
    actions.remove_subscription_plan(alice, draft, plan.pk)
    actions.remove_milestone(alice, draft, milestone.pk)
    assert not SubscriptionPlan.objects.exists() and not Milestone.objects.exists()


def test_a_donation_deadline_is_at_most_a_campaigns_longest_run_away(client, profile, alice, settings):
    """An all-or-nothing campaign ending in 9999 would never settle: its donors could never be refunded."""
    settings.DONATION_CAMPAIGN_MAX_DAYS = 365
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    last_day = timezone.localdate() + datetime.timedelta(days=365)
    url = f"/en/projects/drafts/{draft.pk}/funding/"

    with translation.override("en"):
        page = client.get(url)
        far = client.post(url, funding_data(donation_deadline="9999-12-31"))
        day_after = client.post(
            url, funding_data(donation_deadline=(last_day + datetime.timedelta(days=1)).isoformat())
        )

    assert f'max="{last_day.isoformat()}"' in page.text
    assert far.status_code == day_after.status_code == 400
    assert "runs for at most 365 days" in str(far.context["form"].errors["donation_deadline"])
    assert not DonationCampaign.objects.exists()
    assert client.post(url, funding_data(donation_deadline=last_day.isoformat())).status_code == 302
    assert DonationCampaign.objects.get(draft=draft).deadline == last_day


@pytest.mark.parametrize("target_date", ["1900-01-01", "9999-12-31", "2001-06-30"])
def test_a_milestone_date_out_of_the_projects_years_is_refused(client, profile, alice, target_date):
    """Not before the enterprise was founded (here 2015), nor decades ahead."""
    profile.founded_year = 2015
    profile.save(update_fields=["founded_year"])
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)

    with translation.override("en"):
        response = client.post(
            f"/en/projects/drafts/{draft.pk}/milestones/add/", {"title": "魚塭整修完成", "target_date": target_date}
        )

    assert response.status_code == 400
    assert "Give a target date between" in str(response.context["milestone_form"].errors["target_date"])
    assert not Milestone.objects.exists()


def test_a_milestone_within_the_projects_years_is_added(client, profile, alice):
    profile.founded_year = 2015
    profile.save(update_fields=["founded_year"])
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    in_nine_years = timezone.localdate().replace(year=timezone.localdate().year + 9, day=1)

    for day in ("2015-01-01", in_nine_years.isoformat()):
        response = client.post(
            f"/en/projects/drafts/{draft.pk}/milestones/add/", {"title": f"m {day}", "target_date": day}
        )
        assert response.status_code == 302

    page = client.get(step_url(draft, "milestones"))
    assert draft.milestones.count() == 2 and 'min="2015-01-01"' in page.text


def test_a_deadline_set_before_the_limit_was_lowered_stays_as_it_was(client, profile, alice, settings):
    draft = actions.start_project_draft(alice, profile.organisation)
    client.force_login(alice)
    url = f"/en/projects/drafts/{draft.pk}/funding/"
    set_before = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    assert client.post(url, funding_data(donation_deadline=set_before)).status_code == 302
    settings.DONATION_CAMPAIGN_MAX_DAYS = 30

    assert f'max="{set_before}"' in client.get(url).text, "the browser lets the kept deadline through"
    assert client.post(url, funding_data(donation_deadline=set_before, donation_goal_twd="300000")).status_code == 302
    later = (timezone.localdate() + datetime.timedelta(days=301)).isoformat()
    assert client.post(url, funding_data(donation_deadline=later)).status_code == 400
    assert DonationCampaign.objects.get(draft=draft).goal_twd == 300_000
