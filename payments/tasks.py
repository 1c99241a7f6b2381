"""Background tasks of payments: seasons, campaign settlement, abandoned checkouts (run by the scheduler)."""

from django.utils import timezone
from django_tasks import task

from payments.checkout import CHECKOUT_LIFETIME
from payments.models import Backing
from payments.seasons import apply_seasonal_billing


@task()
def seasonal_billing():
    """Run daily: seasonal plans bill only in their season."""
    run = apply_seasonal_billing()
    return {"checked": run.checked, "paused": run.paused, "resumed": run.resumed, "failed": run.failed}


@task()
def campaign_settlement():
    """Run daily: settle donation campaigns past their deadline (all-or-nothing ones short of the goal are refunded)."""
    from payments.refunds import settle_campaigns

    run = settle_campaigns()
    return {
        "succeeded": run.succeeded,
        "failed": run.failed,
        "ended": run.ended,
        "refunds_requested": run.refunds_requested,
        "refund_errors": run.refund_errors,
    }


@task()
def expire_abandoned_checkouts():
    """Mark pending backings older than Stripe's Checkout lifetime as not completed; returns how many.

    Stripe's `checkout.session.expired` event does the same for each session; this catches the ones whose event
    never arrived, so "awaiting payment" never lingers on a backer's page. A payment that still arrives for one
    moves it on as usual (the handlers accept an expired backing)."""
    cutoff = timezone.now() - CHECKOUT_LIFETIME
    return Backing.objects.filter(status=Backing.Status.PENDING, created__lt=cutoff).update(
        status=Backing.Status.EXPIRED, updated=timezone.now()
    )


@task()
def erase_ended_delivery_addresses():
    """Run daily: delete delivery addresses DELIVERY_ADDRESS_RETENTION_DAYS after their subscription ended (PDPA)."""
    from payments.fulfilment import erase_ended_addresses

    return {"erased": erase_ended_addresses()}


@task()
def send_funding_progress(listing_id):
    """The live progress of a project whose payments came faster than one message a second (payments.live)."""
    from payments.live import send_folded_progress

    return send_folded_progress(listing_id)
