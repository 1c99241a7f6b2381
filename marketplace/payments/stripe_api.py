"""Every call Homeward makes to Stripe goes through this module.

One place to set the key, the API version the library was built for, the
address (stripe-mock in tests), time-outs and retries.
"""

from functools import lru_cache

import stripe
from django.conf import settings


def is_configured():
    return bool(settings.STRIPE_SECRET_KEY)


def configuration_summary():
    """What /healthz and the payment buttons may say about the set-up, without secrets."""
    key = settings.STRIPE_SECRET_KEY
    if not key:
        return {"configured": False, "mode": "not configured"}
    mode = "live" if key.startswith(("sk_live_", "rk_live_")) else "test"
    return {
        "configured": True,
        "mode": mode,
        "api_version": stripe.api_version,
        "webhooks": bool(settings.STRIPE_WEBHOOK_SECRET),
        "mock": bool(settings.STRIPE_API_BASE),
    }


@lru_cache(maxsize=4)
def _client(api_key, api_base):
    base_addresses = {"api": api_base, "connect": api_base, "files": api_base} if api_base else None
    return stripe.StripeClient(
        api_key,
        base_addresses=base_addresses,
        stripe_version=stripe.api_version,
        max_network_retries=2,
        # A slow Stripe must not hold a web worker for long: fail, say so, let the person retry.
        http_client=stripe.RequestsClient(timeout=10),
    )


def client():
    """The configured StripeClient; raises PaymentsNotConfigured when there is no key."""
    if not is_configured():
        raise PaymentsNotConfigured()
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE or None)


class PaymentsNotConfigured(Exception):
    def __str__(self):
        return "Stripe is not configured: set STRIPE_SECRET_KEY."


def account_summary():
    """A cheap authenticated call, used to prove the key and the address work."""
    balance = client().v1.balance.retrieve()
    return {"livemode": balance.livemode, "currencies": sorted({entry.currency for entry in balance.available})}


class WebhookNotConfigured(Exception):
    def __str__(self):
        return "Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET."


def verify_webhook_signature(payload, signature):
    """Check Stripe's signature and that the timestamp is fresh; raise WebhookRejected if not."""
    from marketplace.payments.webhooks import WebhookRejected

    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookNotConfigured()
    if not signature:
        raise WebhookRejected("the Stripe-Signature header is missing")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRejected("the body is not UTF-8") from None
    try:
        stripe.WebhookSignature.verify_header(text, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(f"signature check failed: {error.user_message or error}") from None
