"""A company's hometown ties: admins add the company's; each member may share their own home township."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import run_action
from marketplace import actions, queries
from marketplace.forms import CompanyTieForm, OwnTieForm
from marketplace.models import HometownTie
from marketplace.views.common import company_for_member, profile_or_redirect


@login_required
@require_http_methods(["GET", "POST"])
def company_ties(request, slug):
    organisation, membership = company_for_member(request, slug)
    if request.method == "POST":
        actions.check_company_admin(request.user, organisation)
    profile, to_profile_form = profile_or_redirect(request, organisation)
    if to_profile_form:
        return to_profile_form
    form = CompanyTieForm(request.POST or None) if membership.is_manager else None
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            actions.add_company_tie,
            profile,
            form=form,
            error_field="employee_count",
            success=_("The hometown tie has been added."),
            kind=form.cleaned_data["kind"],
            township=form.cleaned_data["township"],
            employee_count=form.cleaned_data["employee_count"] or 0,
        )
        if outcome.done:
            return redirect("marketplace:company_ties", slug=organisation.slug)
    return _ties_page(request, organisation, membership, profile, form=form)


def _ties_page(request, organisation, membership, profile, *, form=None, own_form=None, status=None):
    own_tie = profile.ties.filter(member=request.user).first()
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "ties": profile.ties.select_related("township__county", "member"),
        "form": form,
        "own_tie": own_tie,
        "own_form": (own_form or OwnTieForm()) if own_tie is None else None,
    }
    if status is None:
        status = 400 if form and form.errors else 200
    return render(request, "marketplace/company_ties.html", context, status=status)


@login_required
@require_POST
def own_tie_add(request, slug):
    organisation, membership = company_for_member(request, slug)
    profile = queries.company_profile_of(organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = OwnTieForm(request.POST)
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.add_own_tie,
            profile,
            form=form,
            success=_("Your home township is shared with the company."),
            township=form.cleaned_data["township"],
            consent=form.cleaned_data["consent"],
        )
        if outcome.done:
            return redirect("marketplace:company_ties", slug=organisation.slug)
        status = outcome.http_status
    # Refused: the township chosen stays chosen, the reason beside it.
    form_for_admins = CompanyTieForm() if membership.is_manager else None
    return _ties_page(request, organisation, membership, profile, form=form_for_admins, own_form=form, status=status)


@login_required
@require_POST
def tie_remove(request, slug, pk):
    organisation, _membership = company_for_member(request, slug)
    tie = get_object_or_404(HometownTie, pk=pk, company__organisation=organisation)
    run_action(request, actions.remove_tie, tie, success=_("The hometown tie has been removed."))
    return redirect("marketplace:company_ties", slug=organisation.slug)
