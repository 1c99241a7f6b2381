"""The enterprise team's payouts: members see the mode, balance and payouts; managers start Stripe Connect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import check_manager
from core.actions import run_action
from marketplace.queries import enterprise_team_or_404
from payments import payouts as payout_actions
from payments.forms import ConnectOnboardingForm


def _payouts_page(request, profile, membership, form=None, status=200):
    context = {
        "organisation": profile.organisation,
        "membership": membership,
        "account": payout_actions.account_for(profile),
        "payout": payout_actions.payout_status_for(profile),
        "connect_form": form or ConnectOnboardingForm(),
    }
    return render(request, "payments/payouts.html", context, status=status)


def _connect_urls(request, profile):
    keys = {"slug": profile.organisation.slug}
    return {
        "return_url": request.build_absolute_uri(reverse("payments:payouts_return", kwargs=keys)),
        "refresh_url": request.build_absolute_uri(reverse("payments:payouts_refresh", kwargs=keys)),
    }


def _start_onboarding(request, profile, country):
    outcome = run_action(
        request, payout_actions.start_connect_onboarding, profile, country=country, **_connect_urls(request, profile)
    )
    if not outcome.done:
        return redirect("payments:payouts", slug=profile.organisation.slug)
    return redirect(outcome.result)


@login_required
@require_safe
def payouts(request, slug):
    profile, membership = enterprise_team_or_404(request.user, slug)
    return _payouts_page(request, profile, membership)


@login_required
@require_POST
def payouts_connect(request, slug):
    profile, membership = enterprise_team_or_404(request.user, slug)
    check_manager(request.user, profile.organisation)
    form = ConnectOnboardingForm(request.POST)
    if not form.is_valid():
        return _payouts_page(request, profile, membership, form=form, status=400)
    return _start_onboarding(request, profile, form.cleaned_data["country"])


@login_required
@require_safe
def payouts_return(request, slug):
    profile, _membership = enterprise_team_or_404(request.user, slug)
    account = payout_actions.refresh_connect_status(request.user, profile)
    if account.details_submitted:
        messages.success(request, _("Stripe has your team's details. Payouts start once Stripe enables them."))
    else:
        messages.info(request, _("The onboarding is not finished yet; continue it whenever you are ready."))
    return redirect("payments:payouts", slug=slug)


@login_required
@require_safe
def payouts_refresh(request, slug):
    """Stripe's onboarding link expired: make a new one for the same account."""
    profile, _membership = enterprise_team_or_404(request.user, slug)
    check_manager(request.user, profile.organisation)
    account = payout_actions.account_for(profile)
    if not account.stripe_account_id:
        return redirect("payments:payouts", slug=slug)
    return _start_onboarding(request, profile, account.country)
