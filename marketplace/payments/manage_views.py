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
