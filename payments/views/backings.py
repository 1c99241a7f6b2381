"""The backer's own pages: my backings, one backing, a receipt."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cms.public import in_active_language
from core.actions import run_action
from payments import checkout, fulfilment, queries
from payments.forms import DeliveryAddressForm, PauseForm
from payments.gateways import demo
from payments.receipts import receipt_context


@login_required
@require_safe
def my_backings(request):
    page = Paginator(queries.backings_of(request.user), 20).get_page(request.GET.get("page"))
    payments = queries.payments_by_backing(page.object_list)
    projects = queries.backed_projects([backing.listing.project_id for backing in page.object_list])
    rows = [
        (backing, payments.get(backing.pk, []), projects.get(backing.listing.project_id))
        for backing in page.object_list
    ]
    # Checkouts still open at the gateway may be cancelled from the list (they hold one of MAX_OPEN_CHECKOUTS).
    open_checkout_ids = set(checkout.open_checkouts(request.user).values_list("pk", flat=True))
    for backing in page.object_list:
        # An unpaid one says until when its payment page can be used (the refusal of a fourth names the same time).
        backing.checkout_closes_at = checkout.checkout_closes_at(backing)
    context = {"page": page, "rows": rows, "open_checkout_ids": open_checkout_ids}
    return render(request, "payments/my_backings.html", context)


@login_required
@require_POST
def cancel_checkout(request, pk):
    """Cancel an unpaid checkout of one's own from My backings; anyone else's is 404."""
    backing = queries.own_backing_or_404(request.user, pk)
    run_action(
        request,
        checkout.cancel_open_checkout,
        backing,
        success=_("The unpaid payment is cancelled: nothing was charged. You may start a new one."),
    )
    return redirect("payments:my_backings")


@login_required
@require_safe
def backing_detail(request, pk):
    backing = queries.own_backing_or_404(request.user, pk)
    [project] = in_active_language([backing.listing.project])
    context = {
        "backing": backing,
        "project": project,
        "demo_subscription": demo.holds(backing.stripe_subscription_id),
        "entries": backing.ledger_entries.all(),
        "updates": list(backing.listing.project.updates.all()[:5]),
        "pause_form": PauseForm(),
    }
    if backing.plan and backing.plan.ships_goods:
        context.update(
            delivery=getattr(backing, "delivery_address", None),
            shipments=queries.shipments_of(backing),
            locked_until=fulfilment.locked_until(backing.plan),
            next_cutoff=fulfilment.next_cutoff(backing.plan),
        )
    return render(request, "payments/backing_detail.html", context)


@login_required
@require_safe
def receipt(request, pk):
    entry = queries.own_receipt_or_404(request.user, pk)
    return render(request, "payments/receipt.html", receipt_context(entry))


@login_required
@require_http_methods(["GET", "POST"])
def delivery_address(request, pk):
    """The backer gives or changes the delivery address of a subscription to a plan that ships goods."""
    backing = queries.own_shipping_subscription_or_404(request.user, pk)
    address = getattr(backing, "delivery_address", None)
    form = DeliveryAddressForm(request.POST if request.method == "POST" else None, plan=backing.plan, instance=address)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            fulfilment.save_delivery_address,
            backing,
            form.cleaned_data,
            form=form,
            success=_("Your delivery address is saved."),
        )
        if outcome.done:
            return redirect("payments:backing_detail", pk=backing.pk)
    [project] = in_active_language([backing.listing.project])
    context = {
        "backing": backing,
        "project": project,
        "address_form": form,
        "locked_until": fulfilment.locked_until(backing.plan),
        "next_cutoff": fulfilment.next_cutoff(backing.plan),
        "retention_days": settings.DELIVERY_ADDRESS_RETENTION_DAYS,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "payments/delivery_address.html", context, status=status)
