from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actions import ActionRefused
from cms.public import is_public
from marketplace.actions import check_project_team
from marketplace.models import DonationCampaign, ProjectListing
from marketplace.payments import checkout, dashboard
from marketplace.payments.forms import DonationForm, SubscriptionForm
from marketplace.payments.models import Backing, LedgerEntry
from marketplace.payments.stripe_api import WebhookNotConfigured
from marketplace.payments.webhooks import EventProcessingFailed, WebhookRejected, receive_stripe_webhook


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check takes its place.
@require_POST
def stripe_webhook(request):
    try:
        event, duplicate = receive_stripe_webhook(request.body, request.headers.get("Stripe-Signature"))
    except WebhookNotConfigured as error:
        return JsonResponse({"error": str(error)}, status=503)
    except WebhookRejected as error:
        return JsonResponse({"error": f"rejected: {error}"}, status=400)
    except EventProcessingFailed:
        return JsonResponse({"error": "processing failed; Stripe will retry"}, status=500)
    return JsonResponse({"received": event.stripe_id, "status": event.status, "duplicate": duplicate})


# --- starting a payment --------------------------------------------------------------------------


def _public_listing(project_id):
    listing = get_object_or_404(ProjectListing.objects.select_related("project"), project_id=project_id)
    if not is_public(listing.project):
        raise Http404
    return listing


def _return_urls(request, project_id):
    def url(outcome):
        return request.build_absolute_uri(
            reverse("payments:checkout_return", kwargs={"project_id": project_id, "outcome": outcome})
        )

    return url("success"), url("canceled")


@require_http_methods(["GET", "POST"])
def donate(request, project_id):
    """The donation form (also inside the project page's funding panel); a valid one goes on to Stripe Checkout."""
    listing = _public_listing(project_id)
    campaign = DonationCampaign.objects.filter(listing=listing).first()
    if campaign is None:
        raise Http404
    form = DonationForm(request.POST if request.method == "POST" else None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        success_url, cancel_url = _return_urls(request, project_id)
        try:
            url = checkout.start_donation(
                request.user,
                listing,
                amount_twd=form.cleaned_data["amount_twd"],
                anonymous=form.cleaned_data["anonymous"],
                name=form.cleaned_data["name"],
                success_url=success_url,
                cancel_url=cancel_url,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return HttpResponseRedirect(url)
    context = {"listing": listing, "campaign": campaign, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "marketplace/payments/donate.html", context, status=status)


@login_required  # subscribers manage their subscription on our pages later
@require_http_methods(["GET", "POST"])
def subscribe(request, project_id, plan_id):
    listing = _public_listing(project_id)
    plan = get_object_or_404(listing.subscription_plans, pk=plan_id)
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        success_url, cancel_url = _return_urls(request, project_id)
        try:
            url = checkout.start_subscription(
                request.user,
                plan,
                anonymous=form.cleaned_data["anonymous"],
                name=form.cleaned_data["name"],
                success_url=success_url,
                cancel_url=cancel_url,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return HttpResponseRedirect(url)
    context = {"listing": listing, "plan": plan, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "marketplace/payments/subscribe.html", context, status=status)


@require_GET
def checkout_return(request, project_id, outcome):
    """Where Stripe Checkout sends the person back: a message, then the project page. Changes nothing."""
    listing = _public_listing(project_id)
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


# --- the backer's pages --------------------------------------------------------------------------


@login_required
@require_GET
def my_backings(request):
    backings = (
        Backing.objects.filter(backer=request.user)
        .exclude(status=Backing.Status.EXPIRED)
        .select_related("listing__project", "plan")
        .prefetch_related("listing__project__updates")
    )
    page = Paginator(backings, 20).get_page(request.GET.get("page"))
    payments = {}
    for entry in LedgerEntry.objects.filter(backing__in=list(page.object_list), kind=LedgerEntry.Kind.PAYMENT):
        payments.setdefault(entry.backing_id, []).append(entry)
    rows = [(backing, payments.get(backing.pk, [])) for backing in page.object_list]
    return render(request, "marketplace/payments/my_backings.html", {"page": page, "rows": rows})


def _own_backing(request, pk):
    return get_object_or_404(Backing.objects.select_related("listing__project", "plan"), pk=pk, backer=request.user)


@login_required
@require_GET
def backing_detail(request, pk):
    backing = _own_backing(request, pk)
    context = {
        "backing": backing,
        "entries": backing.ledger_entries.all(),
        "updates": list(backing.listing.project.updates.all()[:5]),
    }
    return render(request, "marketplace/payments/backing_detail.html", context)


@login_required
@require_GET
def receipt(request, pk):
    from marketplace.payments.receipts import receipt_context

    entry = get_object_or_404(
        LedgerEntry.objects.select_related("backing__backer", "listing__project").exclude(receipt_number=None),
        pk=pk,
        kind=LedgerEntry.Kind.PAYMENT,
        backing__backer=request.user,
    )
    return render(request, "marketplace/payments/receipt.html", receipt_context(entry))


# --- the team's pages ----------------------------------------------------------------------------


def _team_listing(request, project_id):
    listing = get_object_or_404(
        ProjectListing.objects.select_related("project", "enterprise__organisation"), project_id=project_id
    )
    check_project_team(request.user, listing)
    return listing


@login_required
@require_GET
def funding_dashboard(request, project_id):
    listing = _team_listing(request, project_id)
    entries = listing.ledger_entries.select_related("backing__backer", "backing__plan")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, dashboard.backer_identity(entry.backing)) for entry in page.object_list]
    context = {"listing": listing, "figures": dashboard.funding_figures(listing), "page": page, "rows": rows}
    return render(request, "marketplace/payments/funding_dashboard.html", context)


@login_required
@require_GET
def funding_csv(request, project_id):
    listing = _team_listing(request, project_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="homeward-funding-{listing.project_id}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    dashboard.write_ledger_csv(listing, response)
    return response
