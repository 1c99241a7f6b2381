"""Thin views: companies, their ties, recommendations and interests. Permission checks: marketplace.actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actions import ActionRefused, get_membership
from accounts.models import Organisation
from cms.models import ProjectPage
from marketplace import actions
from marketplace.forms import (
    AdvanceForm,
    CompanyProfileForm,
    CompanyTieForm,
    InterestForm,
    OwnTieForm,
    SavedSearchForm,
)
from marketplace.impact import impact_report
from marketplace.matching import recommend_companies, recommend_projects
from marketplace.models import EnterpriseProfile, HometownTie, Interest, SavedSearch


def _company(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.COMPANY)
    membership = actions.check_company_member(request.user, organisation)
    return organisation, membership


def _profile_or_redirect(request, organisation):
    profile = actions.company_profile_of(organisation)
    if profile is None:
        messages.info(request, _("Fill in your company profile first."))
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request, slug):
    organisation, membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    if request.method == "POST":
        actions.check_company_admin(request.user, organisation)
    form = CompanyProfileForm(request.POST or None, instance=profile) if membership.is_manager else None
    if request.method == "POST" and form.is_valid():
        actions.save_company_profile(request.user, organisation, form=form)
        messages.success(request, _("The company profile has been saved."))
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {"organisation": organisation, "membership": membership, "profile": profile, "form": form}
    return render(request, "marketplace/company_profile.html", context, status=400 if form and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def company_ties(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        if request.method == "POST":
            actions.check_company_admin(request.user, organisation)
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = CompanyTieForm(request.POST or None) if membership.is_manager else None
    if request.method == "POST":
        actions.check_company_admin(request.user, organisation)
        if form.is_valid():
            try:
                actions.add_company_tie(
                    request.user,
                    profile,
                    kind=form.cleaned_data["kind"],
                    township=form.cleaned_data["township"],
                    employee_count=form.cleaned_data["employee_count"] or 0,
                )
            except ActionRefused as refused:
                form.add_error("employee_count", refused.message)
            else:
                messages.success(request, _("The hometown tie has been added."))
                return redirect("marketplace:company_ties", slug=organisation.slug)
    own_tie = profile.ties.filter(member=request.user).first()
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "ties": profile.ties.select_related("township__county", "member"),
        "form": form,
        "own_tie": own_tie,
        "own_form": OwnTieForm() if own_tie is None else None,
    }
    return render(request, "marketplace/company_ties.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def own_tie_add(request, slug):
    organisation, _membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = OwnTieForm(request.POST)
    if form.is_valid():
        try:
            actions.add_own_tie(
                request.user, profile, township=form.cleaned_data["township"], consent=form.cleaned_data["consent"]
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your home township is shared with the company."))
    else:
        messages.error(request, _("Choose your home township."))
    return redirect("marketplace:company_ties", slug=organisation.slug)


@login_required
@require_POST
def tie_remove(request, slug, pk):
    organisation, _membership = _company(request, slug)
    tie = get_object_or_404(HometownTie, pk=pk, company__organisation=organisation)
    try:
        actions.remove_tie(request.user, tie)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The hometown tie has been removed."))
    return redirect("marketplace:company_ties", slug=organisation.slug)


@login_required
@require_GET
def recommendations(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "recommendations": recommend_projects(profile),
        "interested": set(profile.interests.values_list("project_id", flat=True)),
        "interest_form": InterestForm(),
    }
    return render(request, "marketplace/recommendations.html", context)


@login_required
@require_POST
def interest_express(request, slug, project_id):
    organisation, _membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    project = get_object_or_404(ProjectPage, pk=project_id)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = InterestForm(request.POST)
    form.is_valid()
    try:
        actions.express_interest(request.user, profile, project, message=form.cleaned_data.get("message", ""))
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("marketplace:recommendations", slug=organisation.slug)
    messages.success(request, _("The team of %(project)s has been told of your interest.") % {"project": project.title})
    return redirect("marketplace:company_interests", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def saved_searches(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.save_search(request.user, profile, form=form)
        messages.success(request, _("The search is saved: matching new projects come in the weekly digest."))
        return redirect("marketplace:saved_searches", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "searches": profile.saved_searches.prefetch_related("sectors", "counties"),
        "form": form,
    }
    return render(request, "marketplace/saved_searches.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def saved_search_delete(request, slug, pk):
    organisation, _membership = _company(request, slug)
    saved_search = get_object_or_404(SavedSearch, pk=pk, company__organisation=organisation)
    actions.delete_search(request.user, saved_search)
    messages.success(request, _("The saved search has been deleted."))
    return redirect("marketplace:saved_searches", slug=organisation.slug)


@login_required
@require_GET
def impact(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {"organisation": organisation, "membership": membership, "report": impact_report(profile)}
    return render(request, "marketplace/impact.html", context)


@login_required
@require_GET
def company_interests(request, slug):
    organisation, membership = _company(request, slug)
    interests = Interest.objects.filter(company__organisation=organisation).select_related("project__township__county")
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": Paginator(interests, 25).get_page(request.GET.get("page")),
        "side": "company",
    }
    return render(request, "marketplace/interest_list.html", context)


@login_required
@require_GET
def enterprise_interests(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = get_membership(request.user, organisation)
    if membership is None:
        raise PermissionDenied
    interests = Interest.objects.filter(project__listing__enterprise__organisation=organisation).select_related(
        "project__township__county", "company__organisation"
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": Paginator(interests, 25).get_page(request.GET.get("page")),
        "side": "team",
    }
    return render(request, "marketplace/interest_list.html", context)


@login_required
@require_GET
def fitting_companies(request, slug):
    """Enterprise members see the discoverable companies that fit their team, with the reasons."""
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = get_membership(request.user, organisation)
    if membership is None:
        raise PermissionDenied
    enterprise = EnterpriseProfile.objects.filter(organisation=organisation).select_related("township__county").first()
    matches = recommend_companies(enterprise) if enterprise is not None else []
    context = {
        "organisation": organisation,
        "membership": membership,
        "enterprise": enterprise,
        "page": Paginator(matches, 25).get_page(request.GET.get("page")),
    }
    return render(request, "marketplace/fitting_companies.html", context)


def _interest_for(request, pk):
    interest = get_object_or_404(
        Interest.objects.select_related("company__organisation", "project__township__county"), pk=pk
    )
    actions.check_interest_viewer(request.user, interest)
    return interest


@login_required
@require_GET
def interest_detail(request, pk):
    interest = _interest_for(request, pk)
    is_team = actions.project_enterprise(interest.project) is not None and (
        get_membership(request.user, actions.project_enterprise(interest.project)) is not None
    )
    next_stages = actions.TEAM_TRANSITIONS.get(interest.stage, ()) if is_team else ()
    context = {
        "interest": interest,
        "events": interest.events.select_related("actor"),
        "is_team": is_team,
        "is_company": get_membership(request.user, interest.company.organisation) is not None,
        "advance_form": AdvanceForm() if next_stages else None,
        "next_stages": [interest.Stage(stage) for stage in next_stages],
        "is_final": interest.stage in actions.FINAL_STAGES,
    }
    return render(request, "marketplace/interest_detail.html", context)


@login_required
@require_POST
def interest_advance(request, pk):
    interest = _interest_for(request, pk)
    actions.check_team_member(request.user, interest)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or [_("Choose one of the stages offered.")]:
            messages.error(request, error)
        for field in ("amount",):
            for error in form.errors.get(field, []):
                messages.error(request, error)
        return redirect("marketplace:interest_detail", pk=interest.pk)
    try:
        actions.advance_interest(
            request.user,
            interest,
            form.cleaned_data["stage"],
            amount_twd=form.cleaned_data["amount"],
            instrument=form.cleaned_data["instrument"],
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The interest has been moved on."))
    return redirect("marketplace:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_withdraw(request, pk):
    interest = _interest_for(request, pk)
    try:
        actions.withdraw_interest(request.user, interest)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your interest has been withdrawn."))
    return redirect("marketplace:interest_detail", pk=interest.pk)
