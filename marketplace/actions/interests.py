"""The interest pipeline: a company expresses interest in a public project; the project's team accepts or
declines it and moves it through the stages; the company may withdraw while it is open. Every move is an
InterestEvent and an audit entry.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.actions import get_membership
from accounts.models import Role
from cms.public import is_public
from conversations.actions import open_conversation_for_interest
from core.actions import ActionRefused
from core.audit import Action, log
from core.languages import page_titles_by_language
from marketplace.actions.teams import check_company_member, check_team_member
from marketplace.models import Interest, InterestEvent
from marketplace.queries import project_enterprise
from notifications.actions import in_language_of, notify
from notifications.messages import Message
from notifications.models import Notification

Stage = Interest.Stage

# stage → the stages the project's team may move it to. EXPRESSED → ACCEPTED/DECLINED is the team's answer;
# the company may withdraw at any open stage until both sides confirmed a commitment (see withdraw_interest).

TEAM_TRANSITIONS = {
    Stage.EXPRESSED: (Stage.ACCEPTED, Stage.DECLINED),
    Stage.ACCEPTED: (Stage.INTRODUCED,),
    Stage.INTRODUCED: (Stage.DUE_DILIGENCE,),
    Stage.DUE_DILIGENCE: (Stage.TERM_SHEET,),
    Stage.COMMITTED: (Stage.CLOSED,),
}
# TERM_SHEET → COMMITTED is not the team's alone: propose_commitment, then the other side's confirm_commitment.
PROPOSAL_STAGES = (Stage.TERM_SHEET,)


FINAL_STAGES = (Stage.DECLINED, Stage.CLOSED, Stage.WITHDRAWN)
COMMITMENT_FIELDS = (
    "committed_amount_twd",
    "committed_instrument",
    "commitment_proposed_by_side",
    "commitment_proposed_by",
    "commitment_proposed_at",
    "commitment_confirmed_by",
    "commitment_confirmed_at",
)


def _record(interest, actor, to_stage):
    event = InterestEvent.objects.create(interest=interest, actor=actor, from_stage=interest.stage, to_stage=to_stage)
    interest.stage = to_stage
    interest.save(update_fields=["stage", *COMMITMENT_FIELDS, "updated"])
    return event


@transaction.atomic
def express_interest(user, company, project, *, message=""):
    check_company_member(user, company.organisation)
    if not is_public(project):
        raise PermissionDenied
    organisation = project_enterprise(project)
    if organisation is None:
        raise ActionRefused(_("This project's team is not on the marketplace yet, so it cannot receive interest."))
    already = _("Your company has already expressed interest in this project.")
    if Interest.objects.filter(company=company, project=project).exists():
        raise ActionRefused(already)
    try:
        with transaction.atomic():
            interest = Interest.objects.create(company=company, project=project, message=message.strip())
    except IntegrityError:
        # A second click (or a colleague) can pass the check above while the first request is still committing its
        # interest: the database's one-interest-per-project rule refuses it, with the check's own reason.
        raise ActionRefused(already) from None
    InterestEvent.objects.create(interest=interest, actor=user, from_stage="", to_stage=Stage.EXPRESSED)
    log(Action.INTEREST_EXPRESS, actor=user, organisation=company.organisation, project=project.pk)
    url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
    project_name = Message.named(page_titles_by_language(project))
    for member in organisation.members.all():
        with in_language_of(member):
            title = Message(
                gettext_noop("%(company)s is interested in %(project)s"), company=company, project=project_name
            )
            notify(member, Notification.Kind.NEW_INTEREST, title, body=interest.message, url=url)
    return interest


@transaction.atomic
def advance_interest(user, interest, to_stage):
    """The project's team moves an interest on: accept or decline it, then through the stages to the term sheet,
    and from a confirmed commitment to closed."""
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    organisation = check_team_member(user, interest)
    if to_stage not in TEAM_TRANSITIONS.get(interest.stage, ()):
        raise ActionRefused(
            _("An interest at “%(stage)s” cannot move to “%(to)s”.")
            % {"stage": interest.get_stage_display(), "to": Stage(to_stage).label}
        )
    if to_stage == Stage.CLOSED and not interest.commitment_confirmed:
        raise ActionRefused(_("The commitment has not been confirmed by both sides yet, so it cannot be closed."))
    _record(interest, user, to_stage)
    if to_stage == Stage.ACCEPTED:
        open_conversation_for_interest(interest, team=organisation)
    log(Action.INTEREST_ADVANCE, actor=user, organisation=organisation, interest=interest.pk, stage=to_stage)
    return interest


@transaction.atomic
def withdraw_interest(user, interest):
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    check_company_member(user, interest.company.organisation)
    if interest.stage in FINAL_STAGES:
        raise ActionRefused(_("This interest is already closed."))
    if interest.commitment_confirmed:
        # Only an admin binds the company to an amount (interest_side), and a confirmed commitment stays as both
        # sides confirmed it: no member undoes it by withdrawing; the team closes it.
        raise ActionRefused(
            _("This commitment has been confirmed by both sides; it cannot be withdrawn. Talk to the team.")
        )
    _record(interest, user, Stage.WITHDRAWN)
    log(Action.INTEREST_WITHDRAW, actor=user, organisation=interest.company.organisation, interest=interest.pk)
    return interest


def interest_side(user, interest):
    """Which side `user` acts for on this interest: Side.TEAM (a member of the project's team), Side.COMPANY (an
    admin of the company), or None. A company member who is not an admin is refused with a clear message: only an
    admin binds the company to an amount."""
    team = project_enterprise(interest.project)
    if team is not None and get_membership(user, team) is not None:
        return Interest.Side.TEAM
    membership = get_membership(user, interest.company.organisation)
    if membership is None:
        raise PermissionDenied
    if membership.role != Role.ADMIN:
        raise ActionRefused(
            _("Only an admin of %(company)s may propose or confirm a commitment for it.")
            % {"company": interest.company.organisation.name}
        )
    return Interest.Side.COMPANY


def _notify_other_side(interest, side, title_for):
    """`title_for(project_name)`: the title, naming the project with the Message.named it is given."""
    if side == Interest.Side.TEAM:
        members = interest.company.organisation.members.all()
    else:
        team = project_enterprise(interest.project)
        members = team.members.all() if team else []
    url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
    project_name = Message.named(page_titles_by_language(interest.project))
    for member in members:
        with in_language_of(member):
            notify(member, Notification.Kind.NEW_INTEREST, title_for(project_name), url=url)


@transaction.atomic
def propose_commitment(user, interest, *, amount_twd, instrument):
    """One side proposes the amount and instrument of the commitment; the other side confirms it."""
    from marketplace.models import ProjectListing

    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    side = interest_side(user, interest)
    if interest.commitment_confirmed:
        raise ActionRefused(_("This commitment has already been confirmed by both sides; it cannot be changed."))
    if interest.stage not in PROPOSAL_STAGES:
        raise ActionRefused(
            _("A commitment is proposed at the “%(stage)s” stage; this interest is at “%(current)s”.")
            % {"stage": Stage.TERM_SHEET.label, "current": interest.get_stage_display()}
        )
    if not amount_twd or amount_twd <= 0 or instrument not in ProjectListing.Instrument.values:
        raise ActionRefused(_("Give the amount committed and the instrument."))
    interest.committed_amount_twd = amount_twd
    interest.committed_instrument = instrument
    interest.commitment_proposed_by_side = side
    interest.commitment_proposed_by = user
    interest.commitment_proposed_at = timezone.now()
    interest.save(update_fields=[*COMMITMENT_FIELDS, "updated"])
    organisation = (
        interest.company.organisation if side == Interest.Side.COMPANY else project_enterprise(interest.project)
    )
    log(
        Action.INTEREST_COMMITMENT_PROPOSE,
        actor=user,
        organisation=organisation,
        interest=interest.pk,
        amount_twd=amount_twd,
        instrument=instrument,
    )
    _notify_other_side(
        interest,
        side,
        lambda project_name: Message(
            gettext_noop("A commitment of NT$%(amount)s to %(project)s awaits your confirmation"),
            amount=f"{amount_twd:,}",
            project=project_name,
        ),
    )
    return interest


@transaction.atomic
def confirm_commitment(user, interest):
    """The other side confirms the proposed commitment: the interest moves to "committed" and its amount counts.

    Refused when there is no proposal, when it is already confirmed, or when the proposing side tries to confirm
    its own proposal. An interest the team moved to "committed" before confirmations existed waits for the
    company's confirmation the same way (migration marketplace 0006)."""
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    side = interest_side(user, interest)
    if interest.commitment_confirmed:
        raise ActionRefused(_("This commitment has already been confirmed."))
    if not interest.commitment_proposed_by_side or not interest.committed_amount_twd:
        raise ActionRefused(_("There is no proposed commitment to confirm yet."))
    if interest.stage in (Stage.DECLINED, Stage.WITHDRAWN):
        raise ActionRefused(_("This interest is already closed."))
    if side == interest.commitment_proposed_by_side:
        raise ActionRefused(
            _("Your side proposed this commitment; %(other)s confirms it.")
            % {"other": (Interest.Side.COMPANY if side == Interest.Side.TEAM else Interest.Side.TEAM).label}
        )
    interest.commitment_confirmed_by = user
    interest.commitment_confirmed_at = timezone.now()
    if interest.stage in PROPOSAL_STAGES:
        _record(interest, user, Stage.COMMITTED)
    else:
        interest.save(update_fields=[*COMMITMENT_FIELDS, "updated"])
    organisation = (
        interest.company.organisation if side == Interest.Side.COMPANY else project_enterprise(interest.project)
    )
    log(
        Action.INTEREST_COMMITMENT_CONFIRM,
        actor=user,
        organisation=organisation,
        interest=interest.pk,
        amount_twd=interest.committed_amount_twd,
    )
    _notify_other_side(
        interest,
        side,
        lambda project_name: Message(
            gettext_noop("The commitment of NT$%(amount)s to %(project)s is confirmed"),
            amount=f"{interest.committed_amount_twd:,}",
            project=project_name,
        ),
    )
    return interest
