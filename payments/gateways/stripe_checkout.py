"""The Stripe gateway: Stripe's hosted Checkout, every call through payments/stripe_api.py."""

from payments import stripe_api

is_configured = stripe_api.is_configured
create_donation_checkout = stripe_api.create_donation_checkout


def create_subscription_checkout(backing, *, plan, **options):
    """The plan's Price is synced (found by lookup key, else made) first, then its Checkout Session opened."""
    price_id = stripe_api.sync_plan_prices([plan])[plan.pk]
    return stripe_api.create_subscription_checkout(backing, price_id=price_id, **options)
