"""Webhook events built and signed the way Stripe builds and signs them."""

import hashlib
import hmac
import json
import time
import uuid


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
    return client.post("/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
