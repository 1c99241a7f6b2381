"""Who may act for a company or an enterprise team: the `check_*` functions every marketplace action calls first.

They raise PermissionDenied (the caller answers 403). An enterprise team is one organisation of kind
ENTERPRISE; every member (owner or editor) acts for it: `check_enterprise_team` is the one membership check
for teams, whichever object (draft, listing, interest) leads to the team.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.actions import check_manager, check_member, get_membership
from accounts.models import Organisation
from core.actions import ActionRefused
from marketplace.queries import project_enterprise


def check_company(organisation):
    if organisation.kind != Organisation.Kind.COMPANY:
        raise PermissionDenied
    return organisation


def check_company_admin(user, organisation):
    """Only the company's admins create and edit its profile and its company-wide ties."""
    check_company(organisation)
    return check_manager(user, organisation)


def check_company_member(user, organisation):
    check_company(organisation)
    return check_member(user, organisation)


def check_enterprise_team(user, organisation):
    """Owners and editors of an enterprise team (every member of one) may act for it; anyone else is refused."""
    if organisation.kind != Organisation.Kind.ENTERPRISE:
        raise PermissionDenied
    return check_member(user, organisation)


def check_project_team(user, listing):
    return check_enterprise_team(user, listing.enterprise.organisation)


def is_project_team(user, listing):
    """Whether check_project_team lets `user` act for the listing's project: a page links the project's team pages
    (which make that check) only for those they open for."""
    try:
        check_project_team(user, listing)
    except PermissionDenied:
        return False
    return True


def check_team_member(user, interest):
    """Members of the team that runs the interest's project act on it (PermissionDenied when it has no team)."""
    organisation = project_enterprise(interest.project)
    if organisation is None:
        raise PermissionDenied
    check_enterprise_team(user, organisation)
    return organisation


def check_interest_viewer(user, interest):
    """Members of the company and of the project's team see an interest; nobody else does."""
    if get_membership(user, interest.company.organisation) is not None:
        return
    check_team_member(user, interest)


def check_draft_editor(user, draft):
    check_enterprise_team(user, draft.enterprise.organisation)
    if draft.is_submitted:
        raise ActionRefused(_("This project has been submitted; it can no longer be changed here."))


def check_staff(user):
    """Staff who may change enterprise profiles in the admin (Moderators, superusers) verify them."""
    if not (user.is_authenticated and user.is_active and user.has_perm("marketplace.change_enterpriseprofile")):
        raise PermissionDenied
