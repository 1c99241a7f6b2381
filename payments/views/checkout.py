"""Starting a payment: the donation form, a subscription, and the return from Stripe Checkout."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cms.public import in_active_language
from core.actions import run_action
from core.numbers import count_from_text
from marketplace.queries import public_listing_or_404
from payments import checkout, corporate, gateways, queries
from payments.forms import DeliveryAddressForm, DonationForm, SubscriptionForm
from payments.views import with_retry_after


def _return_urls(request, project_id):
    def url(outcome):
        return request.build_absolute_uri(
            reverse("payments:checkout_return", kwargs={"project_id": project_id, "outcome": outcome})
        )

    return url("success"), url("canceled")


def _checkout(request, listing, form, start, target, *, template, context, address_form=None):
    """A valid form starts `start(user, target, …)` (the backing and its Checkout Session) and sends the person to
    Stripe; a refusal comes back as the form's error. With `address_form` (a plan that ships goods) both forms must
    be valid; nothing is saved otherwise."""
    status = 400 if request.method == "POST" else 200
    extra = {}
    # The project in the reader's language (its translation, or the alias under their URL prefix), as the page names
    # it and links back to it.
    [project] = in_active_language([listing.project])
    context = {"project": project, **context}
    if request.method == "POST" and address_form is not None:
        if address_form.is_valid():
            extra["address"] = address_form.cleaned_data
        else:
            form.is_valid()  # its own errors show too
            context = {"listing": listing, "form": form, "demo_checkout": gateways.demo_enabled(), **context}
            return render(request, template, context, status=400)
    if request.method == "POST" and form.is_valid() and not ratelimit.consume(request, action="checkout"):
        # Too many payments started from this address (a script opening Checkout Sessions): say so, open none.
        form.add_error(
            None, _("Too many payments were started from your connection. Please wait a few minutes and try again.")
        )
        status = 429
    if request.method == "POST" and form.is_valid():
        success_url, cancel_url = _return_urls(request, listing.project_id)
        data = form.cleaned_data
        amount = {"amount_twd": data["amount_twd"]} if "amount_twd" in data else {}
        if data.get("company") is not None:
            extra["company"] = data["company"]
        outcome = run_action(
            request,
            start,
            target,
            form=form,
            anonymous=data["anonymous"],
            name=data["name"],
            success_url=success_url,
            cancel_url=cancel_url,
            **amount,
            **extra,
        )
        if outcome.done:
            return HttpResponseRedirect(outcome.result)
        status = outcome.http_status
    context = {"listing": listing, "form": form, "demo_checkout": gateways.demo_enabled(), **context}
    return with_retry_after(render(request, template, context, status=status))


@require_http_methods(["GET", "POST"])
def donate(request, project_id):
    """The donation form (also inside the project page's funding panel); a valid one goes on to Stripe Checkout."""
    listing = public_listing_or_404(project_id)
    campaign = getattr(listing, "donation_campaign", None)
    if campaign is None:
        raise Http404
    form = DonationForm(
        request.POST if request.method == "POST" else None,
        campaign=campaign,
        companies=corporate.companies_user_may_pay_as(request.user),
    )
    context = {"campaign": campaign}
    return _checkout(
        request, listing, form, checkout.start_donation, listing, template="payments/donate.html", context=context
    )


@login_required  # subscribers manage their subscription on our pages later
@require_http_methods(["GET", "POST"])
def subscribe(request, project_id, plan_id):
    listing = public_listing_or_404(project_id)
    plan = get_object_or_404(listing.subscription_plans, pk=plan_id)
    data = request.POST if request.method == "POST" else None
    # Only what the person may still do: each payer (themselves, a company they pay as) backs a plan once
    # (checkout.check_not_subscribed_already), so one who backs it already is offered their companies, or no form.
    running = checkout.running_subscription(request.user, plan)
    companies = [
        company
        for company in corporate.companies_user_may_pay_as(request.user)
        if checkout.running_subscription(request.user, plan, company) is None
    ]
    if running is not None and not companies:
        # Nothing left to subscribe as: the page says so and links to the subscription (a form sent from an older
        # page is answered the same way, with nothing started).
        [project] = in_active_language([listing.project])
        context = {"listing": listing, "project": project, "plan": plan, "running": running, "form": None}
        return render(request, "payments/subscribe.html", context, status=400 if request.method == "POST" else 200)
    form = SubscriptionForm(data, companies=companies, pay_as_self=running is None)
    address_form = DeliveryAddressForm(data, plan=plan) if plan.ships_goods else None
    context = {"plan": plan, "address_form": address_form, "running": running}
    return _checkout(
        request,
        listing,
        form,
        checkout.start_subscription,
        plan,
        template="payments/subscribe.html",
        context=context,
        address_form=address_form,
    )


@require_safe
def checkout_return(request, project_id, outcome):
    """Where Stripe Checkout sends the person back: a message, then the project page. Records no payment: only a
    cancelled checkout of the person's own is closed."""
    listing = public_listing_or_404(project_id)
    backing_id = count_from_text(request.GET.get("backing"))
    if outcome == "success" and not queries.came_back_from_checkout(listing, backing_id):
        # Opened by hand, or with an id that names no checkout of this project: no thanks for a payment not made.
        pass
    elif outcome == "success" and gateways.demo_enabled():
        messages.success(request, _("Thank you! Your demo backing is recorded; no money moved."))
    elif outcome == "success":
        messages.success(
            request,
            _("Thank you! Stripe has your payment; it appears in your backings as soon as Stripe confirms it."),
        )
    elif outcome == "canceled":
        # Stripe's cancel address names the backing (checkout.return_url_of): the person's own checkout is closed, so
        # it no longer counts among their open ones.
        if backing_id is not None and request.user.is_authenticated:
            checkout.give_up_checkout(request.user, backing_id)
        messages.info(request, _("The payment was canceled: nothing was charged."))
    else:
        raise Http404
    # The project in the language the checkout was started in (its translation, when it has a live one).
    return HttpResponseRedirect(listing.project.localized.url)
