"""Clean-up of checkouts that were never completed (django-tasks; run by the scheduler)."""

from django.utils import timezone
from django_tasks import task

from marketplace.payments.checkout import CHECKOUT_LIFETIME
from marketplace.payments.models import Backing


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
