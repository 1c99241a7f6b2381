"""Every change to companies' profiles, hometown ties and interests: check the permission, do it, log it.

`check_*` raise PermissionDenied (the caller answers 403) or ActionRefused (a message the person can act on).
Company members act for their company; the members of the enterprise that runs a project (its
ProjectListing's enterprise) accept, decline and advance the interests in it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import ActionRefused, check_manager, check_member, get_membership, log
from accounts.models import Organisation
from marketplace.models import CompanyProfile, HometownTie, Interest, InterestEvent, ProjectListing
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
