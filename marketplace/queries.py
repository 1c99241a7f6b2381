"""What marketplace pages and other apps read (nothing here changes anything)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.actions import get_membership
from accounts.models import Organisation
from cms.public import is_public
from core.compiled_sql import compiled_once
from marketplace.models import CompanyProfile, EnterpriseProfile, Interest, ProjectListing


def company_profile_of(organisation):
    return CompanyProfile.objects.filter(organisation=organisation).first()


def project_enterprise(project):
    """The enterprise organisation that runs `project`, or None when it has no listing yet."""
    listing = ProjectListing.objects.select_related("enterprise__organisation").filter(project_id=project.pk).first()
    return listing.enterprise.organisation if listing is not None else None


def is_member_of(user, organisation):
    """Whether `user` is a member of `organisation` (None: nobody is); the yes/no side of the check_* functions."""
    return organisation is not None and get_membership(user, organisation) is not None


def companies_for_interest(user):
    """The companies with a profile of which `user` is a member: through them the project page's "express interest"
    form may post (nobody signed in: none)."""
    if user is None or not user.is_authenticated:
        return []
    return list(Organisation.objects.raw(*_companies_of_member(user.pk)))


@compiled_once  # asked on every signed-in view of a project seeking investment (core.compiled_sql)
def _companies_of_member(user_id):
    return Organisation.objects.filter(
        kind=Organisation.Kind.COMPANY, memberships__user_id=user_id, company_profile__isnull=False
    ).order_by("name")


def enterprise_team_or_404(user, slug):
    """(enterprise profile, membership) of the team `slug` for one of its members; 404 without a profile, 403 for
    anyone else."""
    from marketplace.actions.teams import check_enterprise_team

    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = check_enterprise_team(user, organisation)
    profile = get_object_or_404(EnterpriseProfile, organisation=organisation)
    return profile, membership


def enterprises_in_township(township):
    """Enterprise profiles of a township, for its page (what cms's template calls)."""
    return (
        EnterpriseProfile.objects.filter(township=township)
        .select_related("organisation")
        .order_by("-verified_at", "organisation__name")
    )


def public_listing_or_404(project_id):
    """The listing of a live, public project page (with its team and donation campaign), or 404."""
    listing = get_object_or_404(
        ProjectListing.objects.select_related("project", "enterprise__organisation", "donation_campaign"),
        project_id=project_id,
    )
    if not is_public(listing.project):
        raise Http404
    return listing


def team_listing(user, project_id):
    """The listing of `project_id` for a member of its team (403 for anyone else, 404 without a listing)."""
    from marketplace.actions.teams import check_project_team

    listing = get_object_or_404(
        ProjectListing.objects.select_related("project", "enterprise__organisation"), project_id=project_id
    )
    check_project_team(user, listing)
    return listing


def listings_without_draft(profile):
    """The team's listings whose project none of its drafts submitted (pages staff made for the team), by title,
    with what their row on the team's projects page reads (marketplace.presentation.team_projects)."""
    submitted = profile.drafts.filter(submitted_project__isnull=False).values("submitted_project")
    return (
        profile.listings.exclude(project__in=submitted)
        .select_related("project", "donation_campaign")
        .prefetch_related("subscription_plans")
        .order_by("project__title")
    )


def interests_of_company(organisation):
    return Interest.objects.filter(company__organisation=organisation).select_related("project__township__county")


def interests_of_team(organisation):
    return Interest.objects.filter(project__listing__enterprise__organisation=organisation).select_related(
        "project__township__county", "company__organisation"
    )


def public_projects_of(profile):
    """The enterprise's projects whose pages are live and public, for its public profile."""
    return [listing.project for listing in profile.listings.select_related("project") if is_public(listing.project)]


COMMITTED_STAGES = (Interest.Stage.COMMITTED, Interest.Stage.CLOSED)


def confirmed_commitments(*, company=None, project=None, year=None):
    """Interests whose commitment both sides confirmed (the only commitments that count in reports, impact figures
    and plans), with their amount, instrument and date; narrowed to a company (CompanyProfile), a project
    (ProjectPage or its id) and the calendar year of the confirmation when given."""
    interests = Interest.objects.filter(
        stage__in=COMMITTED_STAGES, commitment_confirmed_at__isnull=False, committed_amount_twd__isnull=False
    )
    if company is not None:
        interests = interests.filter(company=company)
    if project is not None:
        interests = interests.filter(project_id=getattr(project, "pk", project))
    if year is not None:
        interests = interests.filter(commitment_confirmed_at__year=year)
    return interests


def project_edit_path(project):
    """Where the team behind `project` (any language's version of it) changes it when the moderators send it back:
    their enterprise's projects page, with the reasons and the button to make the changes; None for a project no
    team submitted through the wizard (cms then links its review notices)."""
    from django.urls import reverse

    from marketplace.models import ProjectDraft

    draft = (
        ProjectDraft.objects.filter(submitted_project__translation_key=project.translation_key)
        .select_related("enterprise__organisation")
        .first()
    )
    if draft is None:
        return None
    return reverse("marketplace:enterprise_projects", kwargs={"slug": draft.enterprise.organisation.slug})


def abuse_reports_for_staff():
    """The reports with what they point at, and `target_hidden`: whether that question or answer is hidden now."""
    from django.db.models.functions import Coalesce

    from marketplace.models import AbuseReport

    return AbuseReport.objects.select_related("reporter", "question", "answer").annotate(
        target_hidden=Coalesce("question__hidden", "answer__hidden")
    )
