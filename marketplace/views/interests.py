"""The interest pipeline: a company expresses interest; both sides list theirs; the team moves one on."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

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
    status = 400
    shown = in_active_language([project])[0]  # the reader's language names the project, as the page they came from
    if form.is_valid():
        outcome = run_action(
            request,
            actions.express_interest,
            profile,
            project,
            message=form.cleaned_data["message"],
            form=form,
            success=_("The team of %(project)s has been told of your interest.") % {"project": shown.title},
        )
        if outcome.done:
            return redirect("marketplace:company_interests", slug=organisation.slug)
        status = outcome.http_status
    # Refused: the message typed comes back in its box with the reason beside it, on a page of its own (the
    # recommendations' dialog and the project page's disclosure both post here).
    context = {
        "organisation": organisation,
        "project": shown,
        "project_id": project.pk,  # the interest is recorded against the original page
        "form": form,
    }
    return render(request, "marketplace/interest_express.html", context, status=status)


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
@require_safe
def company_interests(request, slug):
    organisation, membership = company_for_member(request, slug)
    return _interest_list(request, organisation, membership, queries.interests_of_company(organisation), "company")


@login_required
@require_safe
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
@require_safe
def interest_detail(request, pk):
    return _detail_page(request, _interest_for(request, pk))


def _detail_page(request, interest, *, commitment_form=None, advance_form=None, status=200):
    """The interest page; a refused proposal or move comes back with what was chosen and why it was refused."""
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
    if commitment_form is None and can_propose:
        commitment_form = CommitmentForm()
    if advance_form is None and next_stages:
        advance_form = AdvanceForm()
    chosen = advance_form.data.get("stage") if advance_form is not None and advance_form.is_bound else None
    context = {
        "side": side,
        "commitment_form": commitment_form,
        "can_confirm": can_confirm,
        "interest": interest,
        "project": in_active_language([interest.project])[0],
        "events": interest.events.select_related("actor"),
        "is_team": is_team,
        "enterprise": enterprise,
        "is_company": queries.is_member_of(request.user, interest.company.organisation),
        "advance_form": advance_form if next_stages else None,
        "next_stages": [interest.Stage(stage) for stage in next_stages],
        "checked_stage": chosen if chosen in next_stages else next(iter(next_stages), None),
        "is_final": interest.stage in actions.FINAL_STAGES,
    }
    return render(request, "marketplace/interest_detail.html", context, status=status)


@login_required
@require_POST
def interest_advance(request, pk):
    interest = _interest_for(request, pk)
    actions.check_team_member(request.user, interest)
    form = AdvanceForm(request.POST)
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.advance_interest,
            interest,
            form.cleaned_data["stage"],
            form=form,
            success=_("The interest has been moved on."),
        )
        if outcome.done:
            return redirect("marketplace:interest_detail", pk=interest.pk)
        status = outcome.http_status
    return _detail_page(request, interest, advance_form=form, status=status)


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
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.propose_commitment,
            interest,
            amount_twd=form.cleaned_data["amount"],
            instrument=form.cleaned_data["instrument"],
            form=form,
            success=_("The commitment has been proposed; the other side is asked to confirm it."),
        )
        if outcome.done:
            return redirect("marketplace:interest_detail", pk=interest.pk)
        status = outcome.http_status
    # Refused: the amount and instrument typed stay in the form, each reason beside its field.
    return _detail_page(request, interest, commitment_form=form, status=status)


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
