"""The Stripe gateway: Stripe's hosted Checkout, every call through payments/stripe_api.py.

A team paid through Stripe Connect (payments.payouts.connect_destination) gets destination charges: the money goes
to its Stripe account and the platform fee comes back to Homeward as Stripe's application fee.
"""

from django.conf import settings

from payments import stripe_api

is_configured = stripe_api.is_configured


def create_donation_checkout(backing, **options):
    from payments.handlers import platform_fee
    from payments.payouts import route_to_connect

    account = route_to_connect(backing)
    fee = platform_fee(backing.amount_twd) if account else 0
    return stripe_api.create_donation_checkout(backing, connect_account=account, fee_twd=fee, **options)


def create_payment_checkout(backing, **options):
    """A one-off payment that is not a donation (an investment payment, a purchase): Checkout's button says "Pay"."""
    return create_donation_checkout(backing, submit_type="pay", **options)


def create_subscription_checkout(backing, *, plan, **options):
    """The plan's Price is synced (found by lookup key, else made) first, then its Checkout Session opened."""
    from payments.payouts import route_to_connect

    price_id = stripe_api.sync_plan_prices([plan])[plan.pk]
    account = route_to_connect(backing)
    return stripe_api.create_subscription_checkout(
        backing,
        price_id=price_id,
        connect_account=account,
        fee_percent=settings.PLATFORM_FEE_PERCENT if account else 0,
        **options,
    )


def expire_checkout(backing):
    """Close the backing's open Checkout Session (the person cancelled it); False when Stripe would not."""
    if not backing.stripe_checkout_session_id:
        return False
    try:
        stripe_api.expire_checkout_session(backing.stripe_checkout_session_id)
    except stripe_api.StripeError:
        return False
    return True
