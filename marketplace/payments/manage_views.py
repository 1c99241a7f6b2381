"""Thin views of the backer's subscription page; the work is in marketplace.payments.subscriptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import ActionRefused
from marketplace.payments import subscriptions
from marketplace.payments.manage_forms import PauseForm, SwitchPlanForm
from marketplace.payments.models import Backing


def _own_subscription(request, pk):
    """The signed-in person's own subscription; anyone else's is 404 (its existence is not revealed)."""
    return get_object_or_404(
        Backing.objects.select_related("listing__project", "plan"),
        pk=pk,
        backer=request.user,
        kind=Backing.Kind.SUBSCRIPTION,
    )


def _page(request, backing, status=200, **forms):
    context = {
        "backing": backing,
        "pause_form": forms.get("pause_form") or PauseForm(),
        "switch_form": forms.get("switch_form") or SwitchPlanForm(backing=backing),
    }
    return render(request, "marketplace/payments/manage_subscription.html", context, status=status)


def _done(request, backing, action, message):
    try:
        action()
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, message)
    return redirect("paymanage:manage", pk=backing.pk)


@login_required
@require_GET
def manage(request, pk):
    return _page(request, _own_subscription(request, pk))


@login_required
@require_POST
def pause(request, pk):
    backing = _own_subscription(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _page(request, backing, status=400, pause_form=form)
    resumes_on = form.cleaned_data["resumes_on"]
    return _done(
        request,
        backing,
        lambda: subscriptions.pause_until(request.user, backing, resumes_on),
        _("Your subscription is paused. Nothing is charged until %(date)s.")
        % {"date": formats.date_format(resumes_on, "DATE_FORMAT")},
    )


@login_required
@require_POST
def skip(request, pk):
    backing = _own_subscription(request, pk)
    return _done(
        request,
        backing,
        lambda: subscriptions.skip_next_period(request.user, backing),
        _("The next charge is skipped; billing continues after that period."),
    )


@login_required
@require_POST
def resume(request, pk):
    backing = _own_subscription(request, pk)
    return _done(
        request,
        backing,
        lambda: subscriptions.resume(request.user, backing),
        _("Your subscription is running again from the next charge."),
    )


@login_required
@require_POST
def switch_plan(request, pk):
    backing = _own_subscription(request, pk)
    form = SwitchPlanForm(request.POST, backing=backing)
    if not form.is_valid():
        return _page(request, backing, status=400, switch_form=form)
    plan = form.cleaned_data["plan"]
    return _done(
        request,
        backing,
        lambda: subscriptions.switch_plan(request.user, backing, plan),
        _("From the next charge you are on the plan “%(plan)s”.") % {"plan": plan.name},
    )


@login_required
@require_POST
def cancel(request, pk):
    backing = _own_subscription(request, pk)
    return _done(
        request,
        backing,
        lambda: subscriptions.cancel_at_period_end(request.user, backing),
        _("Your subscription ends when the current period ends; nothing more will be charged."),
    )


@login_required
@require_POST
def undo_cancel(request, pk):
    backing = _own_subscription(request, pk)
    return _done(
        request,
        backing,
        lambda: subscriptions.undo_cancel(request.user, backing),
        _("Your subscription continues as before."),
    )


# --- the team's payouts -----------------------------------------------------------------


def _team(request, slug):
    from accounts.actions import check_member
    from accounts.models import Organisation
    from marketplace.models import EnterpriseProfile

    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = check_member(request.user, organisation)
    profile = get_object_or_404(EnterpriseProfile, organisation=organisation)
    return profile, membership


def _payouts_page(request, profile, membership, form=None, status=200):
    from marketplace.payments.manage_forms import ConnectOnboardingForm
    from marketplace.payments.payouts import account_for, payout_status_for

    context = {
        "organisation": profile.organisation,
        "membership": membership,
        "account": account_for(profile),
        "payout": payout_status_for(profile),
        "connect_form": form or ConnectOnboardingForm(),
    }
    return render(request, "marketplace/payments/payouts.html", context, status=status)


@login_required
@require_GET
def payouts(request, slug):
    profile, membership = _team(request, slug)
    return _payouts_page(request, profile, membership)


def _connect_urls(request, profile):
    from django.urls import reverse

    keys = {"slug": profile.organisation.slug}
    return {
        "return_url": request.build_absolute_uri(reverse("paymanage:payouts_return", kwargs=keys)),
        "refresh_url": request.build_absolute_uri(reverse("paymanage:payouts_refresh", kwargs=keys)),
    }


@login_required
@require_POST
def payouts_connect(request, slug):
    from accounts.actions import check_manager
    from marketplace.payments import payouts as payout_actions
    from marketplace.payments.manage_forms import ConnectOnboardingForm

    profile, membership = _team(request, slug)
    check_manager(request.user, profile.organisation)
    form = ConnectOnboardingForm(request.POST)
    if not form.is_valid():
        return _payouts_page(request, profile, membership, form=form, status=400)
    try:
        url = payout_actions.start_connect_onboarding(
            request.user, profile, country=form.cleaned_data["country"], **_connect_urls(request, profile)
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("paymanage:payouts", slug=slug)
    return redirect(url)


@login_required
@require_GET
def payouts_return(request, slug):
    from marketplace.payments import payouts as payout_actions

    profile, _membership = _team(request, slug)
    account = payout_actions.refresh_connect_status(request.user, profile)
    if account.details_submitted:
        messages.success(request, _("Stripe has your team's details. Payouts start once Stripe enables them."))
    else:
        messages.info(request, _("The onboarding is not finished yet; continue it whenever you are ready."))
    return redirect("paymanage:payouts", slug=slug)


@login_required
@require_GET
def payouts_refresh(request, slug):
    """Stripe's onboarding link expired: make a new one for the same account."""
    from accounts.actions import check_manager
    from marketplace.payments import payouts as payout_actions

    profile, _membership = _team(request, slug)
    check_manager(request.user, profile.organisation)
    account = payout_actions.account_for(profile)
    if not account.stripe_account_id:
        return redirect("paymanage:payouts", slug=slug)
    try:
        url = payout_actions.start_connect_onboarding(
            request.user, profile, country=account.country, **_connect_urls(request, profile)
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("paymanage:payouts", slug=slug)
    return redirect(url)
