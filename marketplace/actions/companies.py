"""A company's profile and saved searches: check the permission, do it, log it."""

from django.db import transaction

from core.audit import Action, log
from marketplace.actions.teams import check_company_admin, check_company_member


@transaction.atomic
def save_company_profile(user, organisation, *, form):
    """Create or update the company profile from a valid CompanyProfileForm bound to it."""
    check_company_admin(user, organisation)
    profile = form.save(commit=False)
    profile.organisation = organisation
    created = profile.pk is None
    profile.save()
    form.save_m2m()
    log(
        Action.COMPANY_PROFILE_CREATE if created else Action.COMPANY_PROFILE_UPDATE,
        actor=user,
        organisation=organisation,
    )
    return profile


@transaction.atomic
def save_search(user, company, *, form):
    """Any company member keeps saved searches for the company's weekly digest."""
    check_company_member(user, company.organisation)
    saved = form.save(commit=False)
    saved.company = company
    saved.save()
    form.save_m2m()
    log(Action.SAVED_SEARCH_CREATE, actor=user, organisation=company.organisation, name=saved.name)
    return saved


@transaction.atomic
def delete_search(user, saved_search):
    check_company_member(user, saved_search.company.organisation)
    log(Action.SAVED_SEARCH_DELETE, actor=user, organisation=saved_search.company.organisation, name=saved_search.name)
    saved_search.delete()
