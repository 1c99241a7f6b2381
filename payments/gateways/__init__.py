"""Where a backer pays, chosen by settings.PAYMENTS_GATEWAY; payments/checkout.py asks `current()`.

- "stripe" (stripe_checkout.py): Stripe's hosted Checkout, through payments/stripe_api.py.
- "demo" (demo.py): a local page for `make run` without Stripe keys, marked "demo — no money moves", whose "pay"
  sends Stripe-shaped, signed events to our own /stripe/webhook/. Production settings refuse it.

Each gateway answers the same three calls: `is_configured()`, `create_donation_checkout(backing, …)` and
`create_subscription_checkout(backing, plan=…, …)`; both return (session id, the URL to send the person to).
Whatever the gateway, money is recorded only by the webhook's handlers (payments/handlers.py).
"""

from django.conf import settings

DEMO = "demo"


def demo_enabled():
    return settings.PAYMENTS_GATEWAY == DEMO


def current():
    if demo_enabled():
        from payments.gateways import demo

        return demo
    from payments.gateways import stripe_checkout

    return stripe_checkout
