"""Every call Homeward makes to Stripe goes through this module.

One place to set the key, the API version the library was built for, the
address (stripe-mock in tests), time-outs and retries.
"""

import datetime
import time
from functools import lru_cache

import stripe
from django.conf import settings

# The API version this library was built for: our requests ask for it, and our webhook endpoint is set to it.
API_VERSION = stripe.api_version


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
def _client(api_key, api_base, timeout, retries):
    base_addresses = {"api": api_base, "connect": api_base, "files": api_base} if api_base else None
    return stripe.StripeClient(
        api_key,
        base_addresses=base_addresses,
        stripe_version=stripe.api_version,
        max_network_retries=retries,
        # A slow Stripe must not hold a web worker for long: fail, say so, let the person retry.
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client():
    """The configured StripeClient; raises PaymentsNotConfigured when there is no key."""
    if not is_configured():
        raise PaymentsNotConfigured()
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE or None,
        settings.STRIPE_TIMEOUT_SECONDS,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )


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
    from payments.webhooks import WebhookRejected

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


# --- plans as Products and Prices ---------------------------------------------------------------


def plan_product_id(plan):
    """Our own id for the plan's Product: Stripe accepts it on create, so a second sync finds the first's."""
    return f"homeward_plan_{plan.pk}"


def plan_lookup_key(plan):
    """One Price per (plan, price, interval): a changed price needs a new Price; the old one stays for old invoices."""
    return f"homeward-plan-{plan.pk}-{plan.price_twd}-{plan.interval}"


def sync_plan_prices(plans):
    """Make sure each plan has its Product and its current Price in Stripe; returns {plan.pk: price id}.

    Prices are looked up by lookup key first and only the missing ones are created, so
    syncing twice creates nothing twice. A new Price takes over the lookup key
    (transfer_lookup_key) from any Price that held it before.
    """
    from payments.money import CURRENCY, to_stripe_amount

    plans = list(plans)
    if not plans:
        return {}
    stripe = client()
    wanted = {plan_lookup_key(plan): plan for plan in plans}
    price_ids = {}
    keys = list(wanted)
    for start in range(0, len(keys), 10):  # Stripe takes at most 10 lookup keys per list
        found = stripe.v1.prices.list(params={"lookup_keys": keys[start : start + 10], "active": True, "limit": 10})
        price_ids.update({wanted[price.lookup_key].pk: price.id for price in found.data if price.lookup_key in wanted})
    for key, plan in wanted.items():
        if plan.pk in price_ids:
            continue
        product_id = _ensure_plan_product(stripe, plan)
        price = stripe.v1.prices.create(
            params={
                "product": product_id,
                "currency": CURRENCY,
                "unit_amount": to_stripe_amount(plan.price_twd),
                "recurring": {"interval": plan.interval},
                "lookup_key": key,
                "transfer_lookup_key": True,
                "metadata": {"plan_id": str(plan.pk)},
            },
            options={"idempotency_key": f"homeward-price-{key}"},
        )
        price_ids[plan.pk] = price.id
    return price_ids


def _ensure_plan_product(stripe, plan):
    product_id = plan_product_id(plan)
    try:
        stripe.v1.products.retrieve(product_id)
    except InvalidRequestError as error:
        if error.http_status != 404:
            raise
        stripe.v1.products.create(
            params={"id": product_id, "name": plan.name[:250], "metadata": {"plan_id": str(plan.pk)}},
            options={"idempotency_key": f"homeward-product-{product_id}"},
        )
    return product_id


# --- Checkout ------------------------------------------------------------------------------------

CHECKOUT_EXPIRES_AFTER = datetime.timedelta(minutes=31)  # Stripe accepts 30 minutes to 24 hours

# Checkout's own languages for ours.
CHECKOUT_LOCALES = {"zh-hant": "zh-TW", "en": "en", "ja": "ja"}


def _checkout_common(backing, *, success_url, cancel_url, customer_email, language):
    params = {
        "client_reference_id": str(backing.pk),
        "metadata": {"backing_id": str(backing.pk)},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": CHECKOUT_LOCALES.get(language, "auto"),
        # The session (and the place it holds on a capped plan) lasts payments.checkout.CHECKOUT_LIFETIME.
        "expires_at": int(time.time() + CHECKOUT_EXPIRES_AFTER.total_seconds()),
    }
    if customer_email:
        params["customer_email"] = customer_email
    return params


def create_donation_checkout(
    backing,
    *,
    product_name,
    success_url,
    cancel_url,
    customer_email="",
    language="",
    connect_account="",
    fee_twd=0,
    submit_type="donate",
    expires_after=CHECKOUT_EXPIRES_AFTER,
):
    """A Checkout Session in payment mode for one donation; returns (session id, url).

    With `connect_account` it is a destination charge: the payment goes to the team's Stripe account and Stripe
    takes `fee_twd` (the platform fee) back as the application fee."""
    from payments.money import CURRENCY, to_stripe_amount

    params = _checkout_common(
        backing, success_url=success_url, cancel_url=cancel_url, customer_email=customer_email, language=language
    )
    params.update(
        mode="payment",
        # "donate" for a donation; "pay" for an investment payment or a purchase (Checkout's button says so).
        submit_type=submit_type,
        expires_at=int(time.time() + expires_after.total_seconds()),
        line_items=[
            {
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": to_stripe_amount(backing.amount_twd),
                    "product_data": {"name": product_name[:250]},
                },
                "quantity": 1,
            }
        ],
        payment_intent_data={"metadata": {"backing_id": str(backing.pk)}},
    )
    if connect_account:
        params["payment_intent_data"].update(
            transfer_data={"destination": connect_account},
            application_fee_amount=to_stripe_amount(fee_twd),
            # The transfer names its backing by this (transfer.created carries no metadata of the payment).
            transfer_group=transfer_group(backing),
        )
    session = client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": f"homeward-checkout-backing-{backing.pk}"}
    )
    return session.id, session.url


def expire_checkout_session(session_id):
    """Close an open Checkout Session so it can no longer be paid (a place it held was given up)."""
    return client().v1.checkout.sessions.expire(session_id)


def transfer_group(backing):
    return f"homeward-backing-{backing.pk}"


def create_subscription_checkout(
    backing, *, price_id, success_url, cancel_url, customer_email="", language="", connect_account="", fee_percent=0
):
    """A Checkout Session in subscription mode for one plan's Price; returns (session id, url).

    With `connect_account` every invoice is a destination charge to the team's Stripe account, with `fee_percent`
    of it as the application fee."""
    params = _checkout_common(
        backing, success_url=success_url, cancel_url=cancel_url, customer_email=customer_email, language=language
    )
    params.update(
        mode="subscription",
        line_items=[{"price": price_id, "quantity": 1}],
        # Events about the subscription can arrive before checkout.session.completed: they find the backing by this.
        subscription_data={"metadata": {"backing_id": str(backing.pk)}},
    )
    if connect_account:
        params["subscription_data"].update(
            transfer_data={"destination": connect_account}, application_fee_percent=fee_percent
        )
    session = client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": f"homeward-checkout-backing-{backing.pk}"}
    )
    return session.id, session.url


def list_charge_refunds(charge_id):
    """Every refund of a charge (webhook payloads of recent API versions do not include them)."""
    return list(client().v1.refunds.list(params={"charge": charge_id, "limit": 100}).auto_paging_iter())


StripeError = stripe.StripeError
InvalidRequestError = stripe.InvalidRequestError
# --- subscriptions (managed on our own pages) --------------------------------------


def retrieve_subscription(subscription_id):
    return client().v1.subscriptions.retrieve(subscription_id)


def pause_subscription(subscription_id, resumes_at, *, reason):
    """Stop collecting until `resumes_at` (an aware datetime): invoices in between are voided, not owed."""
    return client().v1.subscriptions.update(
        subscription_id,
        params={
            "pause_collection": {"behavior": "void", "resumes_at": int(resumes_at.timestamp())},
            "metadata": {"homeward_pause": reason},
        },
    )


def resume_subscription(subscription_id):
    """Collect again from the next period (an empty value clears pause_collection)."""
    return client().v1.subscriptions.update(
        subscription_id, params={"pause_collection": "", "metadata": {"homeward_pause": ""}}
    )


def set_cancel_at_period_end(subscription_id, cancel):
    return client().v1.subscriptions.update(subscription_id, params={"cancel_at_period_end": bool(cancel)})


def switch_subscription_price(subscription_id, item_id, price_id, *, plan_id):
    """Bill the next periods at another Price; no proration: this period is already paid for."""
    return client().v1.subscriptions.update(
        subscription_id,
        params={
            "items": [{"id": item_id, "price": price_id}],
            "proration_behavior": "none",
            "metadata": {"homeward_plan_id": str(plan_id)},
        },
    )


def price_for_plan(plan):
    """The id of a plan's current Stripe Price, synced (found by lookup key, else made) first."""
    return sync_plan_prices([plan])[plan.pk]


# --- refunds ----------------------------------------------------------------------


def create_refund(
    *, payment_intent="", charge="", amount_twd=None, idempotency_key, metadata=None, reverse_transfer=False
):
    """Refund a payment (all of it when amount_twd is None). The key makes a repeated request refund nothing twice.

    `reverse_transfer` (a destination charge): take the refunded share back from the team's Stripe account and
    give back the same share of the application fee."""
    from payments.money import to_stripe_amount

    params = {"metadata": metadata or {}, "reason": "requested_by_customer"}
    if reverse_transfer:
        params.update(reverse_transfer=True, refund_application_fee=True)
    if payment_intent:
        params["payment_intent"] = payment_intent
    elif charge:
        params["charge"] = charge
    else:
        raise ValueError("a refund needs a payment intent or a charge")
    if amount_twd is not None:
        params["amount"] = to_stripe_amount(amount_twd)
    return client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})


# --- Connect (Express) --------------------------------------------------------------


def create_express_account(*, country, email, enterprise_id):
    return client().v1.accounts.create(
        params={
            "type": "express",
            "country": country,
            "email": email,
            "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
            "metadata": {"homeward_enterprise_id": str(enterprise_id)},
        },
        options={"idempotency_key": f"express-account-{enterprise_id}-{country}"},
    )


def create_account_link(account_id, *, refresh_url, return_url):
    return client().v1.account_links.create(
        params={
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
    )


def retrieve_account(account_id):
    return client().v1.accounts.retrieve(account_id)


def connected_account_balance(account_id):
    """The balance Stripe holds for a connected account (the request is made as that account)."""
    return client().v1.balance.retrieve(options={"stripe_account": account_id})


def retrieve_charge(charge_id):
    return client().v1.charges.retrieve(charge_id)


def balance_transactions(created_from, created_to):
    """Every balance transaction of the platform's account created in [created_from, created_to) (aware
    datetimes), each with its source expanded (a charge's payment intent matches it to the ledger), page by page."""
    params = {
        "created": {"gte": int(created_from.timestamp()), "lt": int(created_to.timestamp())},
        "limit": 100,
        "expand": ["data.source"],
    }
    return client().v1.balance_transactions.list(params=params).auto_paging_iter()
