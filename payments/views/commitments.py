"""A company admin pays a confirmed investment commitment as the company (payments.corporate)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actions import get_membership
from core.actions import run_action
from marketplace.models import Interest
from payments import corporate, gateways
from payments.forms import CommitmentPaymentForm
from payments.views import with_retry_after


@login_required
@require_http_methods(["GET", "POST"])
def pay_commitment(request, pk):
    interest = get_object_or_404(Interest.objects.select_related("company__organisation", "project__listing"), pk=pk)
    organisation = interest.company.organisation
    if get_membership(request.user, organisation) is None:
        raise Http404  # outsiders do not learn of the commitment
    form = CommitmentPaymentForm(request.POST or None, initial={"amount_twd": interest.committed_amount_twd})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="checkout"):
            form.add_error(None, _("Too many payment attempts from here: please wait a few minutes."))
        else:
            detail = request.build_absolute_uri(reverse("marketplace:interest_detail", kwargs={"pk": interest.pk}))
            outcome = run_action(
                request,
                corporate.start_commitment_payment,
                interest,
                amount_twd=form.cleaned_data["amount_twd"],
                success_url=request.build_absolute_uri(reverse("payments:commitment_paid", kwargs={"pk": interest.pk})),
                cancel_url=detail,
                form=form,
            )
            if outcome.done:
                return HttpResponseRedirect(outcome.result)
            status = outcome.http_status
    state, backing = corporate.commitment_payment_state(interest)
    context = {
        "interest": interest,
        "project": interest.project.localized,
        "form": form,
        "state": state,
        "paid_backing": backing if state == "paid" else None,
        "receipt": backing.ledger_entries.filter(kind="payment").first() if state == "paid" else None,
        "business_number": getattr(getattr(organisation, "company_profile", None), "unified_business_number", ""),
        "demo_checkout": gateways.demo_enabled(),
    }
    return with_retry_after(render(request, "payments/pay_commitment.html", context, status=status))


@login_required
@require_safe
def commitment_paid(request, pk):
    """Back from Stripe: the webhook records the payment; the commitment's page says so once it has."""
    interest = get_object_or_404(Interest.objects.select_related("company__organisation"), pk=pk)
    if get_membership(request.user, interest.company.organisation) is None:
        raise Http404
    messages.success(
        request,
        _("Thank you: the payment is being confirmed. The receipt, made out to the company, is emailed to you."),
    )
    return HttpResponseRedirect(reverse("payments:pay_commitment", kwargs={"pk": interest.pk}))
