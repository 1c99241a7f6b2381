"""Every change to companies' profiles, hometown ties and interests: check the permission, do it, log it.

`check_*` raise PermissionDenied (the caller answers 403) or ActionRefused (a message the person can act on).
Company members act for their company; the members of the enterprise that runs a project (its
ProjectListing's enterprise) accept, decline and advance the interests in it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.actions import ActionRefused, check_manager, check_member, get_membership, log
from accounts.models import Organisation
from conversations.actions import open_conversation_for_interest
from marketplace.models import (
    AbuseReport,
    Answer,
    CompanyProfile,
    DonationCampaign,
    EnterpriseProfile,
    HometownTie,
    Interest,
    InterestEvent,
    Milestone,
    ProjectDraft,
    ProjectListing,
    Question,
    SubscriptionPlan,
)
from notifications.actions import notify
from notifications.models import Notification

Stage = Interest.Stage

# stage → the stages the project's team may move it to. EXPRESSED → ACCEPTED/DECLINED is the team's answer;
# the company may withdraw at any open stage (see withdraw_interest).
TEAM_TRANSITIONS = {
    Stage.EXPRESSED: (Stage.ACCEPTED, Stage.DECLINED),
    Stage.ACCEPTED: (Stage.INTRODUCED,),
    Stage.INTRODUCED: (Stage.DUE_DILIGENCE,),
    Stage.DUE_DILIGENCE: (Stage.TERM_SHEET,),
    Stage.TERM_SHEET: (Stage.COMMITTED,),
    Stage.COMMITTED: (Stage.CLOSED,),
}


FINAL_STAGES = (Stage.DECLINED, Stage.CLOSED, Stage.WITHDRAWN)


# --- companies ------------------------------------------------------------------------------


def check_company(organisation):
    if organisation.kind != Organisation.Kind.COMPANY:
        raise PermissionDenied
    return organisation


def company_profile_of(organisation):
    return CompanyProfile.objects.filter(organisation=organisation).first()


def check_company_admin(user, organisation):
    """Only the company's admins create and edit its profile and its company-wide ties."""
    check_company(organisation)
    return check_manager(user, organisation)


def check_company_member(user, organisation):
    check_company(organisation)
    return check_member(user, organisation)


@transaction.atomic
def save_company_profile(user, organisation, *, form):
    """Create or update the company profile from a valid CompanyProfileForm bound to it."""
    check_company_admin(user, organisation)
    profile = form.save(commit=False)
    profile.organisation = organisation
    created = profile.pk is None
    profile.save()
    form.save_m2m()
    log("company_profile.create" if created else "company_profile.update", actor=user, organisation=organisation)
    return profile


@transaction.atomic
def add_company_tie(user, company, *, kind, township, employee_count=0):
    check_company_admin(user, company.organisation)
    if kind == HometownTie.Kind.EMPLOYEES and employee_count < 1:
        raise ActionRefused(_("Say how many employees come from this township."))
    tie = HometownTie.objects.create(
        company=company,
        kind=kind,
        township=township,
        employee_count=employee_count if kind == HometownTie.Kind.EMPLOYEES else 0,
    )
    log("hometown_tie.add", actor=user, organisation=company.organisation, kind=kind, township=township.code)
    return tie


@transaction.atomic
def add_own_tie(user, company, *, township, consent):
    """An employee (company member) shares their own home township with the company, with consent."""
    check_company_member(user, company.organisation)
    if not consent:
        raise ActionRefused(_("Tick the consent box to share your home township with the company."))
    if HometownTie.objects.filter(company=company, member=user).exists():
        raise ActionRefused(_("You have already shared your home township; remove it first to change it."))
    tie = HometownTie.objects.create(
        company=company,
        kind=HometownTie.Kind.EMPLOYEES,
        township=township,
        employee_count=1,
        member=user,
        consented_at=timezone.now(),
    )
    log("hometown_tie.add_own", actor=user, organisation=company.organisation, township=township.code)
    return tie


@transaction.atomic
def remove_tie(user, tie):
    """A member removes their own tie at any time; admins remove the company-wide ones."""
    if tie.member_id is not None and tie.member_id == getattr(user, "pk", None):
        check_company_member(user, tie.company.organisation)
    else:
        check_company_admin(user, tie.company.organisation)
        if tie.member_id is not None:
            raise ActionRefused(_("Only the employee who shared this tie may remove it."))
    log("hometown_tie.remove", actor=user, organisation=tie.company.organisation, township=tie.township.code)
    tie.delete()


@transaction.atomic
def save_search(user, company, *, form):
    """Any company member keeps saved searches for the company's weekly digest."""
    check_company_member(user, company.organisation)
    saved = form.save(commit=False)
    saved.company = company
    saved.save()
    form.save_m2m()
    log("saved_search.create", actor=user, organisation=company.organisation, name=saved.name)
    return saved


@transaction.atomic
def delete_search(user, saved_search):
    check_company_member(user, saved_search.company.organisation)
    log("saved_search.delete", actor=user, organisation=saved_search.company.organisation, name=saved_search.name)
    saved_search.delete()


# --- interests ------------------------------------------------------------------------------


def project_enterprise(project):
    """The enterprise organisation that runs `project`, or None when it has no listing yet."""
    listing = ProjectListing.objects.select_related("enterprise__organisation").filter(project_id=project.pk).first()
    return listing.enterprise.organisation if listing is not None else None


def check_team_member(user, interest):
    organisation = project_enterprise(interest.project)
    if organisation is None or get_membership(user, organisation) is None:
        raise PermissionDenied
    return organisation


def check_interest_viewer(user, interest):
    """Members of the company and of the project's team see an interest; nobody else does."""
    if get_membership(user, interest.company.organisation) is not None:
        return
    check_team_member(user, interest)


def _record(interest, actor, to_stage):
    event = InterestEvent.objects.create(interest=interest, actor=actor, from_stage=interest.stage, to_stage=to_stage)
    interest.stage = to_stage
    interest.save(update_fields=["stage", "committed_amount_twd", "committed_instrument", "updated"])
    return event


@transaction.atomic
def express_interest(user, company, project, *, message=""):
    from cms.public import is_public

    check_company_member(user, company.organisation)
    if not is_public(project):
        raise PermissionDenied
    organisation = project_enterprise(project)
    if organisation is None:
        raise ActionRefused(_("This project's team is not on the marketplace yet, so it cannot receive interest."))
    if Interest.objects.filter(company=company, project=project).exists():
        raise ActionRefused(_("Your company has already expressed interest in this project."))
    interest = Interest.objects.create(company=company, project=project, message=message.strip())
    InterestEvent.objects.create(interest=interest, actor=user, from_stage="", to_stage=Stage.EXPRESSED)
    log("interest.express", actor=user, organisation=company.organisation, project=project.pk)
    title = _("%(company)s is interested in %(project)s") % {"company": company, "project": project.title}
    for member in organisation.members.all():
        url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
        notify(member, Notification.Kind.NEW_INTEREST, title, body=interest.message, url=url)
    return interest


@transaction.atomic
def advance_interest(user, interest, to_stage, *, amount_twd=None, instrument=""):
    """The project's team moves an interest on: accept or decline it, then through the stages to closed."""
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    organisation = check_team_member(user, interest)
    if to_stage not in TEAM_TRANSITIONS.get(interest.stage, ()):
        raise ActionRefused(
            _("An interest at “%(stage)s” cannot move to “%(to)s”.")
            % {"stage": interest.get_stage_display(), "to": Stage(to_stage).label}
        )
    if to_stage == Stage.COMMITTED:
        if not amount_twd or not instrument:
            raise ActionRefused(_("Give the amount committed and the instrument."))
        interest.committed_amount_twd = amount_twd
        interest.committed_instrument = instrument
    _record(interest, user, to_stage)
    if to_stage == Stage.ACCEPTED:
        open_conversation_for_interest(interest)
    log("interest.advance", actor=user, organisation=organisation, interest=interest.pk, stage=to_stage)
    return interest


@transaction.atomic
def withdraw_interest(user, interest):
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    check_company_member(user, interest.company.organisation)
    if interest.stage in FINAL_STAGES:
        raise ActionRefused(_("This interest is already closed."))
    _record(interest, user, Stage.WITHDRAWN)
    log("interest.withdraw", actor=user, organisation=interest.company.organisation, interest=interest.pk)
    return interest


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
    # The plans are the listing's now: mirror them in Stripe once this commits (Checkout also syncs lazily).
    from marketplace.payments.checkout import sync_listing_plans

    transaction.on_commit(lambda: sync_listing_plans(listing))
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
    """Who hears of the project's updates: the signed-in people who back it now (company interests: not yet).

    This is the one place that gathers them.
    """
    from accounts.models import User
    from marketplace.payments.models import Backing

    backing_now = (Backing.Status.PAID, Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)
    return list(
        User.objects.filter(is_active=True, backings__listing=listing, backings__status__in=backing_now).distinct()
    )


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
