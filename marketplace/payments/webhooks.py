"""Stripe webhooks: verify, store the raw event, process it once.

The raw event is saved in its own transaction before any processing, so a
handler's failure never loses it (and never rolls back its error record).
Processing locks the event row: of many simultaneous deliveries of one event,
exactly one runs the handler; the rest find it done. Handlers are dispatched
from HANDLERS by event type; an event type without a handler is logged and
acknowledged.
"""

import json
import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.payments import stripe_api
from marketplace.payments.models import StripeEvent

logger = logging.getLogger(__name__)

# event type → callable(event: StripeEvent); filled by the modules that handle payments.
HANDLERS = {}


def handles(*event_types):
    def register(handler):
        for event_type in event_types:
            HANDLERS[event_type] = handler
        return handler

    return register


class WebhookRejected(Exception):
    """The request is not a genuine, fresh Stripe event: answer 400 with the reason."""


class EventProcessingFailed(Exception):
    """A handler failed: answer 500 so Stripe delivers the event again later."""


def receive_stripe_webhook(payload, signature):
    """Verify, store and process one delivery; returns (event, was_duplicate)."""
    stripe_api.verify_webhook_signature(payload, signature)
    try:
        body = json.loads(payload)
    except ValueError:
        raise WebhookRejected("the body is not JSON") from None
    if not isinstance(body, dict) or body.get("object") != "event" or not body.get("id") or not body.get("type"):
        raise WebhookRejected("the body is not a Stripe event")
    event = _store(body)
    return process_event(event.stripe_id)


def _store(body):
    created = body.get("created")
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                stripe_id=body["id"],
                type=body["type"],
                livemode=bool(body.get("livemode")),
                api_version=body.get("api_version") or "",
                stripe_created=datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else None,
                payload=body,
            )
    except IntegrityError:
        # Another delivery of the same event got here first.
        return StripeEvent.objects.get(stripe_id=body["id"])


def process_event(stripe_id):
    """Run the handler once for this event; returns (event, was_duplicate)."""
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update().get(stripe_id=stripe_id)
            if event.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
                return event, True
            handler = HANDLERS.get(event.type)
            if handler is None:
                logger.info("Stripe event %s of type %s has no handler; acknowledged", event.stripe_id, event.type)
                event.status = StripeEvent.Status.IGNORED
            else:
                handler(event)
                event.status = StripeEvent.Status.PROCESSED
            event.attempts += 1
            event.processed_at = timezone.now()
            event.last_error = ""
            event.save(update_fields=["status", "attempts", "processed_at", "last_error"])
            return event, False
    except Exception as error:
        logger.exception("Stripe event %s failed", stripe_id)
        _record_failure(stripe_id, error)
        raise EventProcessingFailed(str(error)) from error


def _record_failure(stripe_id, error):
    event = StripeEvent.objects.get(stripe_id=stripe_id)
    event.status = StripeEvent.Status.FAILED
    event.attempts += 1
    event.last_error = f"{type(error).__name__}: {error}"[:2000]
    event.save(update_fields=["status", "attempts", "last_error"])
