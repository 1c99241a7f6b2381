"""The project wizard: a team drafts a project step by step (basics, story, funding, milestones), then submits it;
the draft becomes a ProjectPage under review and a ProjectListing with its plans, campaign and milestones.

The same wizard edits a live project (reopen_project_draft): the draft then holds the proposed changes and the
public page, its listing, plans, donation campaign and milestones stay as they are until the moderators approve.
The page's text and photo wait as a page revision (Wagtail publishes it on approval); the money terms and the new
plans and milestones wait on the draft, and apply_approved_project_changes moves them to the listing, called by
cms once the approved revision is published (cms.actions.project_approved, a named hook, not a signal chain).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from cms.actions import (
    create_project_draft,
    discard_image_if_unused,
    review_state,
    submit_project_for_review,
    submit_translation_for_review,
)
from cms.images import store_uploaded_image
from core.actions import ActionRefused
from core.audit import Action, log
from marketplace import providers
from marketplace.actions.teams import check_draft_editor, check_enterprise_team
from marketplace.models import (
    DonationCampaign,
    EnterpriseProfile,
    Milestone,
    ProjectDraft,
    ProjectListing,
    SubscriptionPlan,
)


def _team(draft):
    return draft.enterprise.organisation


def is_live_edit(draft):
    """Whether the draft proposes changes to a live project (they wait for the moderators' approval)."""
    return draft.submitted_project_id is not None and draft.submitted_project.live


CAMPAIGN_TERMS = ("goal_twd", "deadline", "funding_model", "suggested_amounts_twd")


def _live_campaign(draft):
    return DonationCampaign.objects.filter(listing__project_id=draft.submitted_project_id).first()


@transaction.atomic
def start_project_draft(user, organisation):
    check_enterprise_team(user, organisation)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        raise ActionRefused(_("Fill in the enterprise profile first: a project is posted in the team's township."))
    draft = ProjectDraft.objects.create(enterprise=profile, created_by=user)
    log(Action.PROJECT_DRAFT_CREATE, actor=user, organisation=organisation, draft=draft.pk)
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
    log(Action.PROJECT_DRAFT_SAVE, actor=user, organisation=_team(draft), draft=draft.pk, step=step)
    return draft


@transaction.atomic
def save_story_step(user, draft, *, story, image=None, image_description="", story_en="", story_ja=""):
    """The story step: the text (and the team's optional translations), and a new photo (an uploaded file) kept as
    an image of the CMS library; the photo it replaces is deleted when nothing else uses it."""
    check_draft_editor(user, draft)
    fields = {"story": story, "story_en": story_en, "story_ja": story_ja}
    replaced = None
    if image:
        replaced = draft.image
        fields["image"] = store_uploaded_image(image, title=draft.title or image.name, description=image_description)
    draft = save_draft_step(user, draft, ProjectDraft.Step.STORY, **fields)
    # The photo it replaced leaves the library unless a page, a revision or another draft still shows it.
    discard_image_if_unused(replaced)
    return draft


@transaction.atomic
def delete_project_draft(user, draft):
    """A team gives up a draft never submitted: the draft, its plans, campaign and milestones go, and its photo
    leaves the library unless a page, a revision or another draft still shows it. A draft that was submitted is how
    its project is reviewed and edited later: it stays."""
    check_draft_editor(user, draft)
    if draft.submitted_project_id is not None:
        raise ActionRefused(_("This draft belongs to a submitted project; it can no longer be deleted."))
    photo, pk, title = draft.image, draft.pk, draft.title
    draft.delete()
    discard_image_if_unused(photo)
    log(Action.PROJECT_DRAFT_DELETE, actor=user, organisation=_team(draft), draft=pk, title=title)


@transaction.atomic
def save_funding_step(user, draft, *, many=None, campaign_fields=None, **fields):
    """The funding step: the investment ask and programmes on the draft, and its donation campaign (or none). On a
    live project they are a proposal: the listing keeps its terms until the moderators approve."""
    save_draft_step(user, draft, ProjectDraft.Step.FUNDING, many=many, **fields)
    return save_donation_campaign(user, draft, campaign_fields)


@transaction.atomic
def save_donation_campaign(user, draft, campaign_fields):
    """campaign_fields None removes the draft's donation campaign."""
    check_draft_editor(user, draft)
    if is_live_edit(draft):
        return _propose_donation_campaign(user, draft, campaign_fields)
    DonationCampaign.objects.filter(draft=draft).delete()
    campaign = DonationCampaign.objects.create(draft=draft, **campaign_fields) if campaign_fields else None
    log(Action.DONATION_CAMPAIGN_SAVE, actor=user, organisation=_team(draft), draft=draft.pk, removed=campaign is None)
    return campaign


def _propose_donation_campaign(user, draft, campaign_fields):
    """A live project's campaign terms as the team wants them: the live campaign stays with the listing (its donors
    gave under it) and the draft holds a proposal until approval. Terms equal to the live ones propose nothing."""
    live = _live_campaign(draft)
    if live is not None and campaign_fields is None:
        raise ActionRefused(
            _("Donations to a live project stay open until the campaign's deadline: change the deadline instead.")
        )
    if live is not None and campaign_fields["funding_model"] != live.funding_model:
        raise ActionRefused(_("What happens if the goal is missed stays as it was when people donated."))
    same = live is not None and all(campaign_fields[name] == getattr(live, name) for name in CAMPAIGN_TERMS)
    if live is not None and not same and live.outcome != DonationCampaign.Outcome.OPEN:
        raise ActionRefused(_("This donation campaign has ended; its terms stay as they were."))
    DonationCampaign.objects.filter(draft=draft, listing__isnull=True).delete()
    if live is not None:
        live.draft = draft if same else None  # the draft shows the live terms, or its own proposal
        live.save(update_fields=["draft"])
    proposal = None
    if campaign_fields and not same:
        proposal = DonationCampaign.objects.create(draft=draft, **campaign_fields)
    log(
        Action.DONATION_CAMPAIGN_SAVE,
        actor=user,
        organisation=_team(draft),
        draft=draft.pk,
        proposed=proposal is not None,
        removed=campaign_fields is None,
    )
    return proposal or live


def _lock_draft(draft):
    """Hold the draft's row until the transaction ends: one addition to a draft at a time, so a check for the same
    plan or milestone sees the one a concurrent request (a double click) is adding."""
    list(ProjectDraft.objects.select_for_update().filter(pk=draft.pk).values_list("pk", flat=True))


# The code of a refusal because the draft already has a plan of that name: the name is what the team changes.
DUPLICATE_NAME = "duplicate_name"


@transaction.atomic
def add_subscription_plan(user, draft, **fields):
    """A new plan; on a live project it joins the listing once the moderators approve. Each plan has its own name
    (backers choose by it): the same name again, a double click on "Add plan" among others, adds nothing."""
    check_draft_editor(user, draft)
    _lock_draft(draft)
    if draft.subscription_plans.filter(name=fields.get("name", "")).exists():
        raise ActionRefused(
            _(
                "This project already has a plan called “%(name)s”. "
                "Give each plan its own name, so backers can tell them apart."
            )
            % {"name": fields.get("name", "")},
            code=DUPLICATE_NAME,
        )
    plan = SubscriptionPlan.objects.create(draft=draft, sort_order=draft.subscription_plans.count(), **fields)
    log(Action.SUBSCRIPTION_PLAN_ADD, actor=user, organisation=_team(draft), draft=draft.pk, plan=plan.pk)
    return plan


@transaction.atomic
def remove_subscription_plan(user, draft, plan_pk):
    check_draft_editor(user, draft)
    if is_live_edit(draft) and draft.subscription_plans.filter(pk=plan_pk, listing__isnull=False).exists():
        raise ActionRefused(_("A plan people can already back stays on the live page; its backers keep it."))
    draft.subscription_plans.filter(pk=plan_pk).delete()
    log(Action.SUBSCRIPTION_PLAN_REMOVE, actor=user, organisation=_team(draft), draft=draft.pk, plan=plan_pk)


@transaction.atomic
def add_milestone(user, draft, **fields):
    """A new milestone; the same one again (a double click on "Add") adds nothing."""
    check_draft_editor(user, draft)
    _lock_draft(draft)
    if draft.milestones.filter(title=fields.get("title", ""), target_date=fields.get("target_date")).exists():
        raise ActionRefused(
            _("This project already has the milestone “%(title)s”.") % {"title": fields.get("title", "")}
        )
    milestone = Milestone.objects.create(draft=draft, **fields)
    log(Action.MILESTONE_ADD, actor=user, organisation=_team(draft), draft=draft.pk, milestone=milestone.pk)
    return milestone


@transaction.atomic
def remove_milestone(user, draft, milestone_pk):
    check_draft_editor(user, draft)
    if is_live_edit(draft) and draft.milestones.filter(pk=milestone_pk, listing__isnull=False).exists():
        raise ActionRefused(_("A milestone on the live page stays there; mark it done from the project's team page."))
    draft.milestones.filter(pk=milestone_pk).delete()
    log(Action.MILESTONE_REMOVE, actor=user, organisation=_team(draft), draft=draft.pk, milestone=milestone_pk)


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


def story_body(draft, language=""):
    """The draft's story (or its translation into `language`) as the page's StreamField: paragraphs of escaped
    text. The photo is the page's hero picture (submit_project_draft), shown once at the top, not again in the
    story."""
    text = getattr(draft, f"story_{language}") if language else draft.story
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    html = "".join(f"<p>{escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return [("paragraph", html)] if html else []


@transaction.atomic
def submit_project_draft(user, draft):
    """Create the draft ProjectPage in the enterprise's township, its listing, and put it before the moderators."""
    check_draft_editor(user, draft)
    draft = ProjectDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.is_submitted:
        raise ActionRefused(_("This project has already been submitted."))
    problems = draft_problems(draft)
    if problems:
        raise ActionRefused(" ".join(problems))
    if draft.submitted_project_id is not None:
        return _resubmit(user, draft)
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
        use_of_funds_en=draft.use_of_funds_en if draft.seeks_investment else "",
        use_of_funds_ja=draft.use_of_funds_ja if draft.seeks_investment else "",
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
    _submit_translations(user, draft, project)
    log(Action.PROJECT_SUBMIT, actor=user, organisation=draft.enterprise.organisation, project=project.pk)
    # The plans are the listing's now: payments mirrors them in Stripe once this commits (Checkout also syncs
    # lazily).
    transaction.on_commit(lambda: providers.plans_submitted(listing))
    return project, state


def _submit_translations(user, draft, project):
    """The team's English and Japanese texts (those with a title) become the project's translations, each put
    before the moderators in the same review as the original; a language without a title keeps the alias that
    shows the original with a note."""
    languages = []
    for code in ("en", "ja"):
        title = getattr(draft, f"title_{code}").strip()
        if title:
            submit_translation_for_review(
                project,
                code,
                user,
                title=title,
                summary=getattr(draft, f"summary_{code}"),
                body=story_body(draft, code),
            )
            languages.append(code)
    return languages


def changes_requested(project):
    """Whether the moderators sent `project` back to its team with changes requested (its review waits for them)."""
    from wagtail.models import WorkflowState

    state = review_state(project)
    return state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES


@transaction.atomic
def reopen_project_draft(user, draft):
    """A submission comes back to its team, when the moderators sent it back or to edit the live project: the wizard
    opens again on the same draft, and submitting it again updates the same page and puts it (back) in review.
    A live page stays as it is until the moderators approve the new version; its money terms are not reopened."""
    check_enterprise_team(user, draft.enterprise.organisation)
    draft = ProjectDraft.objects.select_for_update().get(pk=draft.pk)
    if not draft.is_submitted:
        raise ActionRefused(_("This draft is already open for changes."))
    project = draft.submitted_project
    in_review = review_state(project) is not None and not changes_requested(project)
    if in_review or not (project.live or changes_requested(project)):
        raise ActionRefused(_("The moderators are reviewing this project: wait for their decision before changing it."))
    draft.submitted_at = None
    draft.save(update_fields=["submitted_at", "updated"])
    log(
        Action.PROJECT_REOPEN, actor=user, organisation=_team(draft), draft=draft.pk, project=draft.submitted_project_id
    )
    return draft


def _resubmit(user, draft):
    """submit_project_draft for a reopened draft: the same page gets the new text and photo as a new revision and the
    review resumes. A project that is not live yet takes the new funding details, plans, campaign and milestones now;
    a live one only once the moderators approve (apply_approved_project_changes)."""
    project = draft.submitted_project.specific.get_latest_revision_as_object()
    project.title = draft.title
    project.summary = draft.summary
    project.body = story_body(draft)
    project.sector = draft.sector
    project.sdgs = list(draft.sdgs.all())
    project.support_programmes = list(draft.support_programmes.all())
    if draft.image_id:
        project.hero_image = draft.image
    if is_live_edit(draft):  # the live page, listing, plans, campaign and milestones wait for the moderators
        proposed = ProjectListing.objects.get(project=draft.submitted_project)
        _take_investment_terms(proposed, draft)
        proposed.full_clean()  # checked now, so that the approval cannot fail on it; saved only on approval
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["submitted_at", "updated"])
        state = submit_project_for_review(project, user)
        _submit_translations(user, draft, project)
        log(Action.PROJECT_SUBMIT, actor=user, organisation=_team(draft), project=project.pk, live_edit=True)
        return project, state
    listing = ProjectListing.objects.select_for_update().get(project=draft.submitted_project)
    _take_investment_terms(listing, draft)
    listing.full_clean()
    listing.save()
    SubscriptionPlan.objects.filter(draft=draft, listing__isnull=True).update(listing=listing)
    DonationCampaign.objects.filter(draft=draft, listing__isnull=True).update(listing=listing)
    Milestone.objects.filter(draft=draft, listing__isnull=True).update(listing=listing)
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["submitted_at", "updated"])
    state = submit_project_for_review(project, user)
    _submit_translations(user, draft, project)
    log(Action.PROJECT_SUBMIT, actor=user, organisation=_team(draft), project=project.pk, resubmitted=True)
    transaction.on_commit(lambda: providers.plans_submitted(listing))
    return project, state


def _take_investment_terms(listing, draft):
    """Copy the draft's investment ask onto the listing; returns the names of the fields that changed."""
    seeks = draft.seeks_investment
    values = {
        "seeks_investment": seeks,
        "ask_min_twd": draft.ask_min_twd if seeks else None,
        "ask_max_twd": draft.ask_max_twd if seeks else None,
        "instrument": draft.instrument if seeks else "",
        "stage": draft.stage,
        "use_of_funds": draft.use_of_funds if seeks else "",
        "use_of_funds_en": draft.use_of_funds_en if seeks else "",
        "use_of_funds_ja": draft.use_of_funds_ja if seeks else "",
    }
    changed = [name for name, value in values.items() if getattr(listing, name) != value]
    for name in changed:
        setattr(listing, name, values[name])
    return changed


@transaction.atomic
def apply_approved_project_changes(project, moderator=None):
    """The moderators approved a team's submission and Wagtail published its page revision: the listing now takes
    what waited on the draft (the investment ask, the donation campaign's terms, new plans and milestones).

    cms calls it through its `project_approved` hook in the approval's transaction; also safe to call again (what
    is applied is not applied twice) and a no-op for a page no team submitted. Returns the audit entry's `changed`
    list, or None."""
    draft = ProjectDraft.objects.select_for_update().filter(submitted_project_id=project.pk).first()
    if draft is None or not draft.is_submitted:
        return None
    listing = ProjectListing.objects.select_for_update().filter(project_id=project.pk).first()
    if listing is None:
        return None
    changed = _take_investment_terms(listing, draft)
    if changed:
        listing.full_clean()
        listing.save()
    new_plans = list(SubscriptionPlan.objects.filter(draft=draft, listing__isnull=True).values_list("pk", flat=True))
    SubscriptionPlan.objects.filter(pk__in=new_plans).update(listing=listing)
    new_milestones = Milestone.objects.filter(draft=draft, listing__isnull=True).update(listing=listing)
    proposal = DonationCampaign.objects.filter(draft=draft, listing__isnull=True).first()
    if proposal is not None:
        live = DonationCampaign.objects.select_for_update().filter(listing=listing).first()
        if live is None:
            proposal.listing = listing
            proposal.save(update_fields=["listing"])
        else:  # the donations stay tied to the live campaign: it takes the new terms
            terms = {name: getattr(proposal, name) for name in CAMPAIGN_TERMS}
            proposal.delete()
            for name, value in terms.items():
                setattr(live, name, value)
            live.draft = draft
            live.full_clean()
            live.save()
        changed.append("donation_campaign")
    if new_plans:
        changed.append("subscription_plans")
    if new_milestones:
        changed.append("milestones")
    log(
        Action.PROJECT_CHANGES_APPLY,
        actor=moderator,
        organisation=_team(draft),
        project=project.pk,
        draft=draft.pk,
        changed=changed,
        plans=new_plans,
    )
    if new_plans:
        transaction.on_commit(lambda: providers.plans_submitted(listing))
    return changed
