"""Webhook events built and signed the way Stripe builds and signs them, and the objects they carry."""

import hashlib
import hmac
import json
import time
import uuid

from django.utils import translation


def stripe_event(event_type, data_object, event_id=None, created=None):
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created or int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": data_object},
    }


def sign(payload, secret, timestamp=None):
    """Stripe's scheme: HMAC-SHA256 of "{timestamp}.{payload}" with the endpoint secret, as `t=…,v1=…`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, event, secret, timestamp=None, signature=None):
    payload = json.dumps(event) if isinstance(event, dict) else event
    header = signature if signature is not None else sign(payload, secret, timestamp)
    # The request's LocaleMiddleware activates the default language in this thread and leaves it on: the test
    # goes on in the language it was in, as Stripe's delivery would not change it.
    language = translation.get_language()
    try:
        return client.post(
            "/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
    finally:
        translation.activate(language)


# Stripe objects of the events the payment tests send.
PERIOD_END = int(time.time()) + 30 * 86_400


def session_completed(backing, *, amount=None, payment_intent="pi_1", email="guest@example.com", name="Guest Name"):
    return {
        "id": f"cs_test_{backing.pk}",
        "object": "checkout.session",
        "mode": "payment" if backing.kind == "donation" else "subscription",
        "payment_status": "paid",
        "status": "complete",
        "amount_total": (amount or backing.amount_twd) * 100,
        "currency": "twd",
        "customer": "cus_1",
        "customer_details": {"email": email, "name": name},
        "client_reference_id": str(backing.pk),
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": payment_intent if backing.kind == "donation" else None,
        "subscription": "sub_1" if backing.kind == "subscription" else None,
    }


def subscription_object(backing, status="active", **fields):
    return {
        "id": "sub_1",
        "object": "subscription",
        "customer": "cus_1",
        "status": status,
        "cancel_at_period_end": False,
        "pause_collection": None,
        "metadata": {"backing_id": str(backing.pk)},
        "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": PERIOD_END}]},
        **fields,
    }


def invoice(backing, invoice_id="in_1", amount=500):
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": "cus_1",
        "amount_paid": amount * 100,
        "currency": "twd",
        "status": "paid",
        "status_transitions": {"paid_at": int(time.time())},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": "sub_1", "metadata": {"backing_id": str(backing.pk)}},
        },
    }


def pay_through_webhook(listing, backer, amount_twd, key):
    """A payment confirmed the way production learns of it: a signed checkout.session.completed delivered to
    the webhook endpoint, whose handler writes the ledger and announces the new totals."""
    from django.conf import settings
    from django.test import Client

    from payments.models import Backing

    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION, listing=listing, backer=backer, backer_email=backer.email, amount_twd=amount_twd
    )
    session = {
        "id": f"cs_test_{key}",
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "amount_total": amount_twd * 100,
        "currency": "twd",
        "customer_details": {"email": backer.email, "name": "Backer"},
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": f"pi_{key}",
    }
    response = deliver(Client(), stripe_event("checkout.session.completed", session), settings.STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200, response.content
