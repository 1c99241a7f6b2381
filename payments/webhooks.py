"""Stripe webhooks: verify, store the raw event, process it once.

A delivery is one transaction: the raw event is inserted (or, for an event
already stored, its row locked), the handler runs, the event's status is
updated. The insert of a new event holds its row: of many simultaneous
deliveries of one event, exactly one runs the handler; the rest wait for it and
find it done. When a handler fails, that transaction rolls back and the raw
event is stored again, with its error, in a transaction of its own: a
handler's failure never loses the event (and never rolls back its error
record). Handlers are dispatched from HANDLERS by event type; an event type
without a handler is logged and acknowledged.
"""

import json
import logging
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from payments import stripe_api
from payments.models import StripeEvent

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
    if not _is_event(body):
        raise WebhookRejected("the body is not a Stripe event")
    try:
        with transaction.atomic():
            event = _new_event(body)
            # A new event is inserted already marked done (its handler runs next, in this transaction: if it fails,
            # the insert rolls back with it and _record_failure stores the event): no UPDATE after the handler.
            handler = _done(event)
            if _insert_unless_stored(event):
                _run(event, handler)
                return event, False
            # Stored by an earlier (or a simultaneous, now finished) delivery: lock it and look.
            event = StripeEvent.objects.select_for_update().get(stripe_id=event.stripe_id)
            if event.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
                return event, True
            return _process(event), False
    except Exception as error:
        logger.exception("Stripe event %s failed", body["id"])
        _record_failure(body, error)
        raise EventProcessingFailed(str(error)) from error


# Stripe's event timestamps are seconds since 1970; anything past the year 9999 is not one.
LATEST_TIMESTAMP = 253_402_300_799


def _is_event(body):
    """The envelope every Stripe event has: an id and a type (strings), `data.object` (an object), `created` (a
    timestamp, or absent). A signed body without it is refused (400): no delivery of it will ever process."""
    if not isinstance(body, dict) or body.get("object") != "event":
        return False
    if not all(isinstance(body.get(key), str) and body[key] for key in ("id", "type")):
        return False
    created = body.get("created")
    if created is not None and (isinstance(created, bool) or not isinstance(created, int)):
        return False
    if created is not None and not 0 <= created <= LATEST_TIMESTAMP:
        return False
    data = body.get("data")
    return isinstance(data, dict) and isinstance(data.get("object"), dict)


def _new_event(body):
    created = body.get("created")
    return StripeEvent(
        stripe_id=body["id"],
        type=body["type"],
        livemode=bool(body.get("livemode")),
        api_version=body.get("api_version") or "",
        stripe_created=datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else None,
        payload=body,
    )


def _insert_unless_stored(event):
    """INSERT the event unless its stripe_id is stored; True when this call stored it (one statement).

    The new row stays locked until the transaction ends: a simultaneous delivery's insert of the same event
    waits for it, then finds the row.
    """
    fields = [field for field in StripeEvent._meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(StripeEvent._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote('stripe_id')}) DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk = row[0]
    event._state.adding = False
    event._state.db = connection.alias
    return True


def _done(event):
    """Mark the event (in memory) as its handler's success would leave it; returns the handler (or None)."""
    handler = HANDLERS.get(event.type)
    event.status = StripeEvent.Status.IGNORED if handler is None else StripeEvent.Status.PROCESSED
    event.attempts += 1
    event.processed_at = timezone.now()
    event.last_error = ""
    return handler


def _run(event, handler):
    if handler is None:
        logger.info("Stripe event %s of type %s has no handler; acknowledged", event.stripe_id, event.type)
    else:
        handler(event)


def _process(event):
    """Run a stored event's handler (inside the caller's transaction, the event's row locked) and mark it done."""
    handler = _done(event)
    _run(event, handler)
    event.save(update_fields=["status", "attempts", "processed_at", "last_error"])
    return event


def _record_failure(body, error):
    """Store the event with its error (its processing rolled back), unless a simultaneous delivery processed it."""
    with transaction.atomic():
        event = _new_event(body)
        event.status = StripeEvent.Status.FAILED
        event.attempts = 1
        event.last_error = f"{type(error).__name__}: {error}"[:2000]
        if _insert_unless_stored(event):
            return
        stored = StripeEvent.objects.select_for_update().get(stripe_id=event.stripe_id)
        if stored.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
            return
        stored.status = StripeEvent.Status.FAILED
        stored.attempts += 1
        stored.last_error = event.last_error
        stored.save(update_fields=["status", "attempts", "last_error"])
