"""The interest pipeline: a company expresses interest in a public project; the project's team accepts or
declines it and moves it through the stages; the company may withdraw while it is open. Every move is an
InterestEvent and an audit entry.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.public import is_public
from conversations.actions import open_conversation_for_interest
from core.actions import ActionRefused
from core.audit import Action, log
from marketplace.actions.teams import check_company_member, check_team_member
from marketplace.models import Interest, InterestEvent
from marketplace.queries import project_enterprise
from notifications.actions import in_language_of, notify
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


def _record(interest, actor, to_stage):
    event = InterestEvent.objects.create(interest=interest, actor=actor, from_stage=interest.stage, to_stage=to_stage)
    interest.stage = to_stage
    interest.save(update_fields=["stage", "committed_amount_twd", "committed_instrument", "updated"])
    return event


@transaction.atomic
def express_interest(user, company, project, *, message=""):
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
    log(Action.INTEREST_EXPRESS, actor=user, organisation=company.organisation, project=project.pk)
    url = reverse("marketplace:interest_detail", kwargs={"pk": interest.pk})
    for member in organisation.members.all():
        with in_language_of(member):
            title = _("%(company)s is interested in %(project)s") % {"company": company, "project": project.title}
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
        open_conversation_for_interest(interest, team=organisation)
    log(Action.INTEREST_ADVANCE, actor=user, organisation=organisation, interest=interest.pk, stage=to_stage)
    return interest


@transaction.atomic
def withdraw_interest(user, interest):
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    check_company_member(user, interest.company.organisation)
    if interest.stage in FINAL_STAGES:
        raise ActionRefused(_("This interest is already closed."))
    _record(interest, user, Stage.WITHDRAWN)
    log(Action.INTEREST_WITHDRAW, actor=user, organisation=interest.company.organisation, interest=interest.pk)
    return interest
