"""Every change to enterprises and their projects: check the permission, do it, log it.

Same habit as accounts.actions: `check_*` raise PermissionDenied (403) or ActionRefused (a message
the person can act on); the changes run in a transaction and write an AuditEntry.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.actions import ActionRefused, check_member, log
from accounts.models import Organisation
from marketplace.models import (
    AbuseReport,
    Answer,
    DonationCampaign,
    EnterpriseProfile,
    Milestone,
    ProjectDraft,
    ProjectListing,
    Question,
    SubscriptionPlan,
)

PROFILE_FIELDS = (
    "township",
    "founded_year",
    "team_size",
    "members_returned_home",
    "summary",
    "website",
    "facebook_url",
    "instagram_url",
)


# --- permissions -----------------------------------------------------------------------------


def check_enterprise_team(user, organisation):
    """Owners and editors of an enterprise team (every member of one) may act for it; anyone else is refused."""
    if organisation.kind != Organisation.Kind.ENTERPRISE:
        raise PermissionDenied
    return check_member(user, organisation)


def check_draft_editor(user, draft):
    check_enterprise_team(user, draft.enterprise.organisation)
    if draft.is_submitted:
        raise ActionRefused(_("This project has been submitted; it can no longer be changed here."))


def check_project_team(user, listing):
    return check_enterprise_team(user, listing.enterprise.organisation)


# --- enterprise profiles -----------------------------------------------------------------------


@transaction.atomic
def save_enterprise_profile(user, organisation, *, sectors=(), sdgs=(), **fields):
    """Create or update the organisation's enterprise profile. Verification is kept: staff verify the team."""
    check_enterprise_team(user, organisation)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    created = profile is None
    if created:
        profile = EnterpriseProfile(organisation=organisation)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.sectors.set(sectors)
    profile.sdgs.set(sdgs)
    log("enterprise.create" if created else "enterprise.update", actor=user, organisation=organisation)
    return profile


def check_staff(user):
    """Staff who may change enterprise profiles in the admin (Moderators, superusers) verify them."""
    if not (user.is_authenticated and user.is_active and user.has_perm("marketplace.change_enterpriseprofile")):
        raise PermissionDenied


@transaction.atomic
def verify_enterprise(user, profile):
    """Staff confirm the team is who it says it is; the public profile then shows the badge."""
    check_staff(user)
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.is_verified:
        raise ActionRefused(_("This enterprise is already verified."))
    profile.verified_at = timezone.now()
    profile.verified_by = user
    profile.save(update_fields=["verified_at", "verified_by"])
    log("enterprise.verify", actor=user, organisation=profile.organisation)
    return profile


@transaction.atomic
def unverify_enterprise(user, profile):
    check_staff(user)
    profile = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
    profile.verified_at = None
    profile.verified_by = None
    profile.save(update_fields=["verified_at", "verified_by"])
    log("enterprise.unverify", actor=user, organisation=profile.organisation)
    return profile


def enterprises_in_township(township):
    """Enterprise profiles of a township, for its page (what cms's template calls)."""
    return (
        EnterpriseProfile.objects.filter(township=township)
        .select_related("organisation")
        .order_by("-verified_at", "organisation__name")
    )


# --- the project wizard ------------------------------------------------------------------------


@transaction.atomic
def start_project_draft(user, organisation):
    check_enterprise_team(user, organisation)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        raise ActionRefused(_("Fill in the enterprise profile first: a project is posted in the team's township."))
    draft = ProjectDraft.objects.create(enterprise=profile, created_by=user)
    log("project_draft.create", actor=user, organisation=organisation, draft=draft.pk)
    return draft


@transaction.atomic
def save_draft_step(user, draft, step, *, many=None, **fields):
    """Save one step's fields on the draft; `many` maps m2m names to values."""
    check_draft_editor(user, draft)
    for name, value in fields.items():
        setattr(draft, name, value)
    order = list(ProjectDraft.Step.values)
    if order.index(step) >= order.index(draft.step):
        draft.step = order[min(order.index(step) + 1, len(order) - 1)]
    draft.save()
    for name, values in (many or {}).items():
        getattr(draft, name).set(values)
    return draft


@transaction.atomic
def save_donation_campaign(user, draft, campaign_fields):
    """campaign_fields None removes the draft's donation campaign."""
    check_draft_editor(user, draft)
    DonationCampaign.objects.filter(draft=draft).delete()
    if campaign_fields:
        DonationCampaign.objects.create(draft=draft, **campaign_fields)


@transaction.atomic
def add_subscription_plan(user, draft, **fields):
    check_draft_editor(user, draft)
    return SubscriptionPlan.objects.create(draft=draft, sort_order=draft.subscription_plans.count(), **fields)


@transaction.atomic
def remove_subscription_plan(user, draft, plan_pk):
    check_draft_editor(user, draft)
    draft.subscription_plans.filter(pk=plan_pk).delete()


@transaction.atomic
def add_milestone(user, draft, **fields):
    check_draft_editor(user, draft)
    return Milestone.objects.create(draft=draft, **fields)


@transaction.atomic
def remove_milestone(user, draft, milestone_pk):
    check_draft_editor(user, draft)
    draft.milestones.filter(pk=milestone_pk).delete()


def draft_problems(draft):
    """What still stops the draft from being submitted, in the person's words (empty when ready)."""
    problems = []
    if not draft.title:
        problems.append(_("Give the project a title (step “Basics”)."))
    if not draft.summary:
        problems.append(_("Write a short summary (step “Basics”)."))
    if not draft.story:
        problems.append(_("Tell the project's story (step “Story”)."))
    has_donation = DonationCampaign.objects.filter(draft=draft).exists()
    if not (draft.seeks_investment or draft.subscription_plans.exists() or has_donation):
        problems.append(_("Offer at least one way to support the project: investment, a plan or donations."))
    return problems


def story_body(draft):
    """The draft's story as the page's StreamField: paragraphs of escaped text, then the photo."""
    paragraphs = [part.strip() for part in draft.story.replace("\r\n", "\n").split("\n\n") if part.strip()]
    html = "".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    body = [("paragraph", html)] if html else []
    if draft.image_id:
        body.append(("image", {"image": draft.image, "caption": ""}))
    return body


@transaction.atomic
def submit_project_draft(user, draft):
    """Create the draft ProjectPage in the enterprise's township, its listing, and put it before the moderators."""
    from cms.actions import create_project_draft, submit_project_for_review

    check_draft_editor(user, draft)
    draft = ProjectDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.is_submitted:
        raise ActionRefused(_("This project has already been submitted."))
    problems = draft_problems(draft)
    if problems:
        raise ActionRefused(" ".join(problems))
    project = create_project_draft(
        township=draft.enterprise.township,
        owner=user,
        title=draft.title,
        summary=draft.summary,
        body=story_body(draft),
        sector=draft.sector,
        sdgs=list(draft.sdgs.all()),
        programmes=list(draft.support_programmes.all()),
    )
    if draft.image_id:
        project.hero_image = draft.image
        project.save_revision(user=user)
    listing = ProjectListing(
        project=project,
        enterprise=draft.enterprise,
        seeks_investment=draft.seeks_investment,
        ask_min_twd=draft.ask_min_twd if draft.seeks_investment else None,
        ask_max_twd=draft.ask_max_twd if draft.seeks_investment else None,
        instrument=draft.instrument if draft.seeks_investment else "",
        stage=draft.stage,
        use_of_funds=draft.use_of_funds if draft.seeks_investment else "",
    )
    listing.full_clean()
    listing.save()
    SubscriptionPlan.objects.filter(draft=draft).update(listing=listing)
    DonationCampaign.objects.filter(draft=draft).update(listing=listing)
    Milestone.objects.filter(draft=draft).update(listing=listing)
    draft.submitted_project = project
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["submitted_project", "submitted_at", "updated"])
    state = submit_project_for_review(project, user)
    log("project.submit", actor=user, organisation=draft.enterprise.organisation, project=project.pk)
    return project, state


# --- after submission: milestones, updates, questions ------------------------------------------


@transaction.atomic
def mark_milestone_done(user, milestone):
    check_project_team(user, milestone.listing)
    if milestone.is_done:
        raise ActionRefused(_("This milestone is already marked done."))
    milestone.done_at = timezone.now()
    milestone.done_by = user
    milestone.save(update_fields=["done_at", "done_by"])
    log("milestone.done", actor=user, organisation=milestone.listing.enterprise.organisation, milestone=milestone.pk)
    return milestone


def project_followers(listing):
    """Who hears of the project's updates. Backings and company interests do not exist yet: nobody, for now.

    When they arrive, this is the one place that gathers backers and interested companies' members.
    """
    return []


@transaction.atomic
def post_project_update(user, listing, *, title, body, date=None):
    """Add an update (cms ProjectUpdate) to the project's page and notify its followers."""
    from cms.models import ProjectUpdate
    from notifications.actions import notify
    from notifications.models import Notification

    check_project_team(user, listing)
    project = listing.project
    update = ProjectUpdate.objects.create(
        project=project, date=date or timezone.localdate(), title=title, body=f"<p>{escape(body)}</p>"
    )
    _keep_update_in_latest_revision(project, update)
    log("project.update", actor=user, organisation=listing.enterprise.organisation, project=project.pk)
    for follower in project_followers(listing):
        with translation.override(follower.preferred_language or settings.LANGUAGE_CODE):
            notify(
                follower,
                Notification.Kind.PROJECT_UPDATE,
                _("“%(project)s”: %(title)s") % {"project": project.title, "title": title},
                body=body,
                url=project.url or "",
            )
    return update


def _keep_update_in_latest_revision(project, update):
    """Updates are shown at once, without review; the page's newest revision carries them too, so that
    publishing it later (a moderator approving an edit) does not drop them."""
    revision = project.latest_revision
    if revision is None:
        return
    page = revision.as_object()
    page.updates.add(update)
    revision.content = page.serializable_data()
    revision.save(update_fields=["content"])


def check_can_ask(user, listing):
    from cms.public import is_public

    if not user.is_authenticated:
        raise PermissionDenied
    if not is_public(listing.project):
        raise PermissionDenied


@transaction.atomic
def ask_question(user, listing, *, text):
    """Anyone signed in may ask about a published project; every team member is notified."""
    from notifications.actions import notify
    from notifications.models import Notification

    check_can_ask(user, listing)
    question = Question.objects.create(listing=listing, author=user, text=text.strip())
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})
    for member in listing.enterprise.organisation.members.exclude(pk=user.pk):
        with translation.override(member.preferred_language or settings.LANGUAGE_CODE):
            notify(
                member,
                Notification.Kind.NEW_QUESTION,
                _("A new question about “%(project)s”") % {"project": listing.project.title},
                body=question.text,
                url=url,
            )
    return question


@transaction.atomic
def answer_question(user, question, *, text):
    check_project_team(user, question.listing)
    answer = Answer.objects.create(question=question, author=user, text=text.strip())
    log("question.answer", actor=user, organisation=question.listing.enterprise.organisation, question=question.pk)
    return answer


@transaction.atomic
def report_abuse(user, *, question=None, answer=None, reason):
    if not user.is_authenticated:
        raise PermissionDenied
    target = question or answer
    listing = question.listing if question else answer.question.listing
    check_can_ask(user, listing)
    if AbuseReport.objects.filter(reporter=user, question=question, answer=answer, resolved_at=None).exists():
        raise ActionRefused(_("You have already reported this; the moderators will look at it."))
    report = AbuseReport.objects.create(reporter=user, question=question, answer=answer, reason=reason.strip())
    log("abuse.report", actor=user, report=report.pk, target=str(target.pk))
    return report
