"""The backer's subscription page and its actions; the work is in payments.subscriptions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cms.public import in_active_language
from core.actions import run_action
from payments import subscriptions
from payments.forms import PauseForm, SwitchPlanForm
from payments.gateways import demo
from payments.queries import own_subscription_or_404


def _page(request, backing, status=200, **forms):
    [project] = in_active_language([backing.listing.project])
    context = {
        "backing": backing,
        "project": project,
        "demo_subscription": demo.holds(backing.stripe_subscription_id),
        "pause_form": forms.get("pause_form") or PauseForm(),
        "switch_form": forms.get("switch_form") or SwitchPlanForm(backing=backing),
    }
    return render(request, "payments/manage_subscription.html", context, status=status)


def _run(request, action, backing, *args, success):
    run_action(request, action, backing, *args, success=success)
    return redirect("payments:subscription_manage", pk=backing.pk)


@login_required
@require_safe
def manage(request, pk):
    return _page(request, own_subscription_or_404(request.user, pk))


@login_required
@require_POST
def pause(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _page(request, backing, status=400, pause_form=form)
    resumes_on = form.cleaned_data["resumes_on"]
    return _run(
        request,
        subscriptions.pause_until,
        backing,
        resumes_on,
        success=_("Your subscription is paused. Nothing is charged until %(date)s.")
        % {"date": formats.date_format(resumes_on, "DATE_FORMAT")},
    )


@login_required
@require_POST
def skip(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    return _run(
        request,
        subscriptions.skip_next_period,
        backing,
        success=_("The next charge is skipped; billing continues after that period."),
    )


@login_required
@require_POST
def resume(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    return _run(
        request, subscriptions.resume, backing, success=_("Your subscription is running again from the next charge.")
    )


@login_required
@require_POST
def switch_plan(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    form = SwitchPlanForm(request.POST, backing=backing)
    if not form.is_valid():
        return _page(request, backing, status=400, switch_form=form)
    plan = form.cleaned_data["plan"]
    return _run(
        request,
        subscriptions.switch_plan,
        backing,
        plan,
        success=_("From the next charge you are on the plan “%(plan)s”.") % {"plan": plan.shown_name},
    )


@login_required
@require_POST
def cancel(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    return _run(
        request,
        subscriptions.cancel_at_period_end,
        backing,
        success=_("Your subscription ends when the current period ends; nothing more will be charged."),
    )


@login_required
@require_POST
def undo_cancel(request, pk):
    backing = own_subscription_or_404(request.user, pk)
    return _run(request, subscriptions.undo_cancel, backing, success=_("Your subscription continues as before."))
