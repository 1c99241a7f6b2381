"""Starting a payment: the donation form, a subscription, and the return from Stripe Checkout."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.actions import run_action
from marketplace.queries import public_listing_or_404
from payments import checkout
from payments.forms import DonationForm, SubscriptionForm


def _return_urls(request, project_id):
    def url(outcome):
        return request.build_absolute_uri(
            reverse("payments:checkout_return", kwargs={"project_id": project_id, "outcome": outcome})
        )

    return url("success"), url("canceled")


@require_http_methods(["GET", "POST"])
def donate(request, project_id):
    """The donation form (also inside the project page's funding panel); a valid one goes on to Stripe Checkout."""
    listing = public_listing_or_404(project_id)
    campaign = getattr(listing, "donation_campaign", None)
    if campaign is None:
        raise Http404
    form = DonationForm(request.POST if request.method == "POST" else None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        success_url, cancel_url = _return_urls(request, project_id)
        outcome = run_action(
            request,
            checkout.start_donation,
            listing,
            form=form,
            amount_twd=form.cleaned_data["amount_twd"],
            anonymous=form.cleaned_data["anonymous"],
            name=form.cleaned_data["name"],
            success_url=success_url,
            cancel_url=cancel_url,
        )
        if outcome.done:
            return HttpResponseRedirect(outcome.result)
    context = {"listing": listing, "campaign": campaign, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/donate.html", context, status=status)


@login_required  # subscribers manage their subscription on our pages later
@require_http_methods(["GET", "POST"])
def subscribe(request, project_id, plan_id):
    listing = public_listing_or_404(project_id)
    plan = get_object_or_404(listing.subscription_plans, pk=plan_id)
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        success_url, cancel_url = _return_urls(request, project_id)
        outcome = run_action(
            request,
            checkout.start_subscription,
            plan,
            form=form,
            anonymous=form.cleaned_data["anonymous"],
            name=form.cleaned_data["name"],
            success_url=success_url,
            cancel_url=cancel_url,
        )
        if outcome.done:
            return HttpResponseRedirect(outcome.result)
    context = {"listing": listing, "plan": plan, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/subscribe.html", context, status=status)


@require_GET
def checkout_return(request, project_id, outcome):
    """Where Stripe Checkout sends the person back: a message, then the project page. Changes nothing."""
    listing = public_listing_or_404(project_id)
    if outcome == "success":
        messages.success(
            request,
            _("Thank you! Stripe has your payment; it appears in your backings as soon as Stripe confirms it."),
        )
    elif outcome == "canceled":
        messages.info(request, _("The payment was canceled: nothing was charged."))
    else:
        raise Http404
    return HttpResponseRedirect(listing.project.url)
