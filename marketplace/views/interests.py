"""The interest pipeline: a company expresses interest; both sides list theirs; the team moves one on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from cms.models import ProjectPage
from cms.public import in_active_language
from core.actions import ActionRefused, run_action
from marketplace import actions, queries
from marketplace.forms import AdvanceForm, CommitmentForm, InterestForm
from marketplace.models import Interest
from marketplace.views.common import company_for_member


@login_required
@require_POST
def interest_express(request, slug, project_id):
    organisation, _membership = company_for_member(request, slug)
    profile = queries.company_profile_of(organisation)
    project = get_object_or_404(ProjectPage, pk=project_id)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = InterestForm(request.POST)
    if not form.is_valid():  # nothing is expressed with a message cut short: the company sees why
        for error in form.errors.get("message", []):
            messages.error(request, error)
        return redirect("marketplace:recommendations", slug=organisation.slug)
    outcome = run_action(
        request,
        actions.express_interest,
        profile,
        project,
        message=form.cleaned_data["message"],
        success=_("The team of %(project)s has been told of your interest.") % {"project": project.title},
    )
    if not outcome.done:
        return redirect("marketplace:recommendations", slug=organisation.slug)
    return redirect("marketplace:company_interests", slug=organisation.slug)


def _interest_list(request, organisation, membership, interests, side):
    page = Paginator(interests, 25).get_page(request.GET.get("page"))
    # An interest is recorded against the project's original page; the reader sees its title in their language.
    shown = in_active_language([interest.project for interest in page])
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": page,
        "rows": list(zip(page, shown, strict=True)),
        "side": side,
    }
    return render(request, "marketplace/interest_list.html", context)


@login_required
@require_GET
def company_interests(request, slug):
    organisation, membership = company_for_member(request, slug)
    return _interest_list(request, organisation, membership, queries.interests_of_company(organisation), "company")


@login_required
@require_GET
def enterprise_interests(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = actions.check_enterprise_team(request.user, organisation)
    return _interest_list(request, organisation, membership, queries.interests_of_team(organisation), "team")


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
    enterprise = queries.project_enterprise(interest.project)
    is_team = queries.is_member_of(request.user, enterprise)
    next_stages = actions.TEAM_TRANSITIONS.get(interest.stage, ()) if is_team else ()
    if interest.stage == interest.Stage.COMMITTED and not interest.commitment_confirmed:
        next_stages = ()  # closed only once both sides confirmed
    try:
        side = actions.interest_side(request.user, interest)
    except (ActionRefused, PermissionDenied):
        side = None  # a company member without the admin role sees the commitment, does not act on it
    can_propose = side is not None and interest.stage in actions.PROPOSAL_STAGES and not interest.commitment_confirmed
    can_confirm = (
        side is not None
        and interest.commitment_awaits_confirmation
        and interest.commitment_proposed_by_side != side
        and interest.stage not in (interest.Stage.DECLINED, interest.Stage.WITHDRAWN)
    )
    context = {
        "side": side,
        "commitment_form": CommitmentForm() if can_propose else None,
        "can_confirm": can_confirm,
        "interest": interest,
        "project": in_active_language([interest.project])[0],
        "events": interest.events.select_related("actor"),
        "is_team": is_team,
        "enterprise": enterprise,
        "is_company": queries.is_member_of(request.user, interest.company.organisation),
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
        return redirect("marketplace:interest_detail", pk=interest.pk)
    run_action(
        request,
        actions.advance_interest,
        interest,
        form.cleaned_data["stage"],
        success=_("The interest has been moved on."),
    )
    return redirect("marketplace:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_withdraw(request, pk):
    interest = _interest_for(request, pk)
    run_action(request, actions.withdraw_interest, interest, success=_("Your interest has been withdrawn."))
    return redirect("marketplace:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_propose(request, pk):
    interest = _interest_for(request, pk)
    form = CommitmentForm(request.POST)
    if not form.is_valid():  # nothing proposed: the reasons, then back to the interest
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("marketplace:interest_detail", pk=interest.pk)
    run_action(
        request,
        actions.propose_commitment,
        interest,
        amount_twd=form.cleaned_data["amount"],
        instrument=form.cleaned_data["instrument"],
        success=_("The commitment has been proposed; the other side is asked to confirm it."),
    )
    return redirect("marketplace:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_confirm(request, pk):
    interest = _interest_for(request, pk)
    run_action(
        request,
        actions.confirm_commitment,
        interest,
        success=_("The commitment is confirmed by both sides and now counts in the reports."),
    )
    return redirect("marketplace:interest_detail", pk=interest.pk)
