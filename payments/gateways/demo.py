"""The demo gateway: backing a project on `make run` without Stripe keys (settings.PAYMENTS_GATEWAY = "demo").

Checkout opens a local page (payments/views/demo_checkout.py), marked "demo — no money moves", instead of
Stripe's. Its "pay" plays Stripe's part and nothing more: it builds the events Stripe sends for a completed
Checkout Session — checkout.session.completed, and for a subscription customer.subscription.created and
invoice.paid too — signs each with the endpoint's secret (STRIPE_WEBHOOK_SECRET) the way Stripe signs, and
delivers it to /stripe/webhook/ through Django's own request handler (middleware, URL resolver, the webhook view).
The signature check, the event store and the handlers that write the ledger are the ones Stripe's deliveries
meet; nothing here records money.

The ids in the events (event, payment intent, subscription, invoice) are derived from the session, so paying twice
— a double click, the back button — delivers the same events again, and the webhook treats them as duplicates.
The page's address carries the session signed (like Stripe's), so it cannot be made up for another backing.

A subscription paid here (`sub_demo_…`) is managed on the backer's own page as one held at Stripe is
(payments/subscriptions.py: pause, skip, resume, switch plan, cancel): the functions under "a demo subscription's
changes" answer the same requests as payments/stripe_api.py's, with the subscription object Stripe would return,
built from the backing's own state.

Production settings refuse this gateway (config/settings/production.py); every entry point here checks it is on.
"""

import calendar
import hashlib
import hmac
import io
import json
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from payments import gateways, stripe_api
from payments.models import Backing
from payments.money import CURRENCY, to_stripe_amount

SESSION_PREFIX = "cs_demo_"
SUBSCRIPTION_PREFIX = "sub_demo_"
SESSION_LIFETIME = timedelta(hours=24)  # as long as Stripe's Checkout Session stays open
SALT = "payments.gateways.demo.session"
USER_AGENT = "Homeward demo checkout (no money moves)"


class DemoGatewayDisabled(Exception):
    def __str__(self):
        return "the demo checkout is off: settings.PAYMENTS_GATEWAY is not 'demo'"


class DeliveryFailed(Exception):
    """The webhook did not accept an event (its answer is in the message): nothing is shown as paid."""


def check_enabled():
    if not gateways.demo_enabled():
        raise DemoGatewayDisabled()


def is_configured():
    return gateways.demo_enabled()


# --- opening a session (the gateway's side of payments/checkout.py) -----------------------------------------------


def _open_session(backing, *, success_url, cancel_url, language):
    check_enabled()
    session_id = SESSION_PREFIX + secrets.token_hex(12)
    token = signing.dumps(
        {"session": session_id, "backing": backing.pk, "success": success_url, "cancel": cancel_url},
        salt=SALT,
        compress=True,
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        url = reverse("payments:demo_checkout", kwargs={"token": token})
    return session_id, url


def create_donation_checkout(
    backing, *, product_name, success_url, cancel_url, customer_email="", language="", **_options
):
    return _open_session(backing, success_url=success_url, cancel_url=cancel_url, language=language)


def create_payment_checkout(backing, **options):
    return create_donation_checkout(backing, **options)


def expire_checkout(backing):
    """Close a session of ours (the person cancelled it): marking the backing expired is all it takes, as the page
    then refuses to pay it."""
    check_enabled()
    return bool(backing.stripe_checkout_session_id.startswith(SESSION_PREFIX))


def create_subscription_checkout(backing, *, plan, success_url, cancel_url, customer_email="", language=""):
    return _open_session(backing, success_url=success_url, cancel_url=cancel_url, language=language)


@dataclass(frozen=True)
class Session:
    id: str
    backing: Backing
    success_url: str
    cancel_url: str

    @property
    def key(self):
        return self.id.removeprefix(SESSION_PREFIX)

    @property
    def is_complete(self):
        """Paid already (the webhook moved the backing on): the page says so instead of offering to pay."""
        return self.backing.status not in (Backing.Status.PENDING, Backing.Status.EXPIRED)

    @property
    def is_expired(self):
        """Canceled by the person or left too long, as a Stripe session expires: it can no longer be paid."""
        return self.backing.status == Backing.Status.EXPIRED


def open_session(token):
    """The session a page address names, or None when the address is not one we made (or is over a day old)."""
    check_enabled()
    try:
        data = signing.loads(token, salt=SALT, max_age=SESSION_LIFETIME)
    except signing.BadSignature:
        return None
    backing = (
        Backing.objects.select_related("listing__project", "plan", "campaign")
        .filter(pk=data["backing"], stripe_checkout_session_id=data["session"])
        .first()
    )
    if backing is None:
        return None
    return Session(id=data["session"], backing=backing, success_url=data["success"], cancel_url=data["cancel"])


# --- paying: the events Stripe would send, signed and delivered -----------------------------------------------------


def pay(session, *, email, name, host, secure=False):
    """Deliver the session's events to our webhook, in the order Stripe usually sends them; returns its answers."""
    check_enabled()
    return [deliver(event, host=host, secure=secure) for event in session_events(session, email=email, name=name)]


def _period_end(start, interval):
    months = 12 if interval == "year" else 1
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


def _event(event_id, event_type, data_object, created):
    return {
        "id": event_id,
        "object": "event",
        "api_version": stripe_api.API_VERSION,
        "created": created,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": data_object},
    }


def session_events(session, *, email, name, now=None):
    """The events of a completed Checkout Session, shaped as Stripe's (only the fields a reader could rely on)."""
    backing, key = session.backing, session.key
    created = int(now or time.time())
    amount = to_stripe_amount(backing.amount_twd)
    metadata = {"backing_id": str(backing.pk)}
    subscription = backing.kind == Backing.Kind.SUBSCRIPTION
    customer = f"cus_demo_{key}" if subscription else None  # payment mode makes no Customer unless asked
    payment_intent = f"pi_demo_{key}"
    checkout_session = {
        "id": session.id,
        "object": "checkout.session",
        "mode": "subscription" if subscription else "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_subtotal": amount,
        "amount_total": amount,
        "currency": CURRENCY,
        "customer": customer,
        "customer_details": {"email": email, "name": name},
        "client_reference_id": str(backing.pk),
        "metadata": metadata,
        "livemode": False,
        "locale": stripe_api.CHECKOUT_LOCALES.get(backing.language, "auto"),
        "success_url": session.success_url,
        "cancel_url": session.cancel_url,
        "payment_intent": None if subscription else payment_intent,
        "subscription": f"{SUBSCRIPTION_PREFIX}{key}" if subscription else None,
        "created": created,
    }
    if not subscription:
        return [_event(f"evt_demo_{key}_1", "checkout.session.completed", checkout_session, created)]

    plan = backing.plan
    interval = plan.interval if plan else "month"
    period_end = int(_period_end(datetime.fromtimestamp(created, tz=UTC), interval).timestamp())
    invoice_id = f"in_demo_{key}_1"
    price = {
        "id": f"price_demo_{plan.pk if plan else 0}_{backing.amount_twd}_{interval}",
        "object": "price",
        "currency": CURRENCY,
        "unit_amount": amount,
        "recurring": {"interval": interval, "interval_count": 1},
        "lookup_key": stripe_api.plan_lookup_key(plan) if plan else None,
        "metadata": {"plan_id": str(plan.pk)} if plan else {},
    }
    stripe_subscription = {
        "id": checkout_session["subscription"],
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "currency": CURRENCY,
        "collection_method": "charge_automatically",
        "cancel_at_period_end": False,
        "pause_collection": None,
        "start_date": created,
        "latest_invoice": invoice_id,
        "metadata": metadata,
        "items": _subscription_items(key, price, period_end, period_start=created),
    }
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "customer": customer,
        "customer_email": email,
        "currency": CURRENCY,
        "status": "paid",
        "billing_reason": "subscription_create",
        "amount_due": amount,
        "amount_paid": amount,
        "amount_remaining": 0,
        "period_start": created,
        "period_end": created,
        "status_transitions": {"finalized_at": created, "paid_at": created},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": stripe_subscription["id"], "metadata": metadata},
        },
        "payments": {
            "object": "list",
            "data": [
                {
                    "object": "invoice_payment",
                    "status": "paid",
                    "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                }
            ],
        },
    }
    return [
        _event(f"evt_demo_{key}_1", "customer.subscription.created", stripe_subscription, created),
        _event(f"evt_demo_{key}_2", "invoice.paid", invoice, created),
        _event(f"evt_demo_{key}_3", "checkout.session.completed", checkout_session, created),
    ]


def _subscription_items(key, price, period_end, period_start=None):
    """A demo subscription's list of items, as Stripe shapes it: its one item, at `price`, for the current period."""
    item = {
        "id": f"si_demo_{key}",
        "object": "subscription_item",
        "quantity": 1,
        "current_period_end": period_end,
        "price": price,
    }
    if period_start is not None:
        item["current_period_start"] = period_start
    return {"object": "list", "data": [item]}


def sign(payload, secret, timestamp):
    """Stripe's scheme: HMAC-SHA256 of "{timestamp}.{payload}" with the endpoint secret, sent as `t=…,v1=…`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@lru_cache(maxsize=1)
def _handler():
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()  # loads the middleware once


def deliver(event, *, host, secure=False):
    """POST one event, signed now, to /stripe/webhook/ through Django's handler; returns the webhook's JSON answer.

    The request is built as a server builds one (raw body, Stripe-Signature header) and answered by
    `get_response`: the whole middleware stack, the URL resolver and the webhook view, as for Stripe's deliveries.
    """
    from django.core.handlers.wsgi import WSGIRequest

    check_enabled()
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    server, _, port = host.partition(":")
    environ = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": reverse("stripe_webhook"),
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json; charset=utf-8",
        "CONTENT_LENGTH": str(len(payload)),
        "HTTP_HOST": host,
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_STRIPE_SIGNATURE": sign(payload, settings.STRIPE_WEBHOOK_SECRET, int(time.time())),
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": server,
        "SERVER_PORT": port or ("443" if secure else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    # The webhook's request activates a language of its own; the page that asked to pay keeps the person's.
    with translation.override(translation.get_language()):
        response = _handler().get_response(WSGIRequest(environ))
    if response.status_code != 200:
        raise DeliveryFailed(f"{event['type']} {event['id']}: {response.status_code} {response.content[:300]!r}")
    return json.loads(response.content)


# --- a demo subscription's changes (Stripe's side of payments/subscriptions.py) -------------------------------------

# Ours → Stripe's subscription status (a paused one is "active" with its collection paused, as at Stripe).
STRIPE_STATUS = {
    Backing.Status.ACTIVE: "active",
    Backing.Status.PAUSED: "active",
    Backing.Status.PAST_DUE: "past_due",
    Backing.Status.CANCELED: "canceled",
    Backing.Status.PENDING: "incomplete",
    Backing.Status.EXPIRED: "incomplete_expired",
}


def holds(subscription_id):
    """Whether this subscription was made by the demo checkout, on a site where the demo gateway is on."""
    return gateways.demo_enabled() and str(subscription_id or "").startswith(SUBSCRIPTION_PREFIX)


def _timestamp(moment):
    return int(moment.timestamp()) if moment else None


def retrieve_subscription(subscription_id):
    """The subscription as Stripe would return it, from its backing's state (status, period, pause, plan)."""
    check_enabled()
    backing = Backing.objects.select_related("plan").get(stripe_subscription_id=subscription_id)
    key = subscription_id.removeprefix(SUBSCRIPTION_PREFIX)
    plan = backing.plan
    paused = backing.paused_until is not None
    metadata = {"backing_id": str(backing.pk), "homeward_pause": backing.pause_reason if paused else ""}
    if plan is not None:
        metadata["homeward_plan_id"] = str(plan.pk)
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": f"cus_demo_{key}",
        "status": STRIPE_STATUS.get(backing.status, "active"),
        "currency": CURRENCY,
        "cancel_at_period_end": backing.cancel_at_period_end,
        "pause_collection": {"behavior": "void", "resumes_at": _timestamp(backing.paused_until)} if paused else None,
        "metadata": metadata,
        "items": _subscription_items(
            key, _price(plan, backing.amount_twd) if plan is not None else None, _timestamp(backing.current_period_end)
        ),
    }


def _price(plan, amount_twd):
    return {
        "id": price_for_plan(plan),
        "object": "price",
        "currency": CURRENCY,
        "unit_amount": to_stripe_amount(amount_twd),
        "recurring": {"interval": plan.interval, "interval_count": 1},
        "lookup_key": stripe_api.plan_lookup_key(plan),
        "metadata": {"plan_id": str(plan.pk)},
    }


def price_for_plan(plan):
    return f"price_demo_{plan.pk}_{plan.price_twd}_{plan.interval}"


def pause_subscription(subscription_id, resumes_at, *, reason):
    subscription = retrieve_subscription(subscription_id)
    subscription["pause_collection"] = {"behavior": "void", "resumes_at": _timestamp(resumes_at)}
    subscription["metadata"]["homeward_pause"] = reason
    return subscription


def resume_subscription(subscription_id):
    subscription = retrieve_subscription(subscription_id)
    subscription["pause_collection"] = None
    subscription["metadata"]["homeward_pause"] = ""
    return subscription


def set_cancel_at_period_end(subscription_id, cancel):
    subscription = retrieve_subscription(subscription_id)
    subscription["cancel_at_period_end"] = bool(cancel)
    return subscription


def switch_subscription_price(subscription_id, item_id, price_id, *, plan_id):
    """The next periods at another plan's price (no proration, as at Stripe)."""
    from marketplace.models import SubscriptionPlan

    subscription = retrieve_subscription(subscription_id)
    plan = SubscriptionPlan.objects.get(pk=plan_id)
    [item] = subscription["items"]["data"]
    if item["id"] != item_id or price_id != price_for_plan(plan):
        raise stripe_api.InvalidRequestError(f"No such subscription item or price: {item_id}, {price_id}", None)
    item["price"] = _price(plan, plan.price_twd)
    subscription["metadata"]["homeward_plan_id"] = str(plan.pk)
    return subscription
