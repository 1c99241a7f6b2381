"""Readings from devices: authenticate the token, check every reading, store the batch once, tell the page.

A batch is all or nothing: one reading with an unknown measure, a value outside the measure's physical bounds, a
time far in the future (TRACE_MAX_FUTURE_SECONDS) or older than the raw retention refuses the whole batch with a
reason for each bad reading, and nothing is stored. A reading already stored (same device, measure and time) is
skipped, so a device may resend a batch it is unsure about.
"""

import contextlib
import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from traceability import measures, storage
from traceability.actions import TOKEN_PREFIX, hash_token
from traceability.badges import LIVE_WITHIN, announce_badges_changed
from traceability.live import push_readings
from traceability.models import AlertRule, DeviceToken

MAX_REASONS_LISTED = 20
LAST_SEEN_EVERY = datetime.timedelta(seconds=60)


class IngestRefused(Exception):
    def __init__(self, status, code, message, errors=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.retry_after = retry_after

    def as_json(self):
        body = {"error": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


@dataclass
class IngestResult:
    received: int
    stored: int
    latest: dict = field(default_factory=dict)

    @property
    def duplicates(self):
        return self.received - self.stored


def authenticate(authorization_header):
    """The device of a `Bearer <token>` header, or IngestRefused (401) that says what is wrong with the token."""
    scheme, _space, token = (authorization_header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise IngestRefused(401, "no_token", _("Send the device's token as “Authorization: Bearer <token>”."))
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise IngestRefused(401, "bad_token", _("This is not a Homeward device token."))
    found = (
        DeviceToken.objects.select_related("device__listing")
        .annotate(has_alert_rules=Exists(AlertRule.objects.filter(device=OuterRef("device"))))
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None:
        raise IngestRefused(401, "unknown_token", _("This token is not valid: check it, or rotate the device's token."))
    if found.revoked_at is not None or found.device.revoked_at is not None:
        raise IngestRefused(401, "revoked", _("This device was revoked by its team; its token no longer works."))
    if found.replaced_at is not None:
        raise IngestRefused(
            401, "replaced", _("This token was replaced by a newer one: configure the device with the new token.")
        )
    # Whether ingestion must lock and move alert rules, read in the same query (a device without rules then
    # stores its readings in one statement).
    found.device.has_alert_rules = found.has_alert_rules
    return found.device


def _reason(index, reading, message):
    measure = reading.get("measure") if isinstance(reading, dict) else None
    return {"index": index, "measure": measure, "reason": message}


def parse_readings(device, payload, now=None):
    """[(measure number, aware datetime, value)] from the request's JSON, or IngestRefused (400) with the reasons."""
    now = now or timezone.now()
    if not isinstance(payload, dict) or not isinstance(payload.get("readings"), list):
        raise IngestRefused(400, "bad_body", _('Send JSON like {"readings": [{"measure": …, "at": …, "value": …}]}.'))
    readings = payload["readings"]
    if not readings:
        raise IngestRefused(400, "empty", _("The batch holds no readings."))
    limit = settings.TRACE_MAX_READINGS_PER_REQUEST
    if len(readings) > limit:
        raise IngestRefused(
            413,
            "too_many",
            _("A batch holds at most %(limit)d readings; this one has %(count)d. Split it.")
            % {"limit": limit, "count": len(readings)},
        )
    latest_allowed = now + datetime.timedelta(seconds=settings.TRACE_MAX_FUTURE_SECONDS)
    oldest_allowed = storage.retention_horizon(now)
    allowed_codes = set(device.measures)
    rows, reasons, seen = [], [], set()
    for index, reading in enumerate(readings):
        if not isinstance(reading, dict):
            reasons.append(_reason(index, reading, _("Each reading is an object with measure, at and value.")))
            continue
        code = reading.get("measure")
        measure = measures.measure_for(code) if isinstance(code, str) else None
        if measure is None:
            reasons.append(_reason(index, reading, _("Unknown measure “%(code)s”.") % {"code": code}))
            continue
        if code not in allowed_codes:
            reasons.append(
                _reason(index, reading, _("This device is not registered to report “%(code)s”.") % {"code": code})
            )
            continue
        value = reading.get("value")
        if not _is_finite_number(value):
            reasons.append(_reason(index, reading, _("The value must be a number.")))
            continue
        if not measure.minimum <= value <= measure.maximum:
            reasons.append(
                _reason(
                    index,
                    reading,
                    _("%(value)s %(unit)s is outside what %(measure)s can physically be (%(low)s to %(high)s).")
                    % {
                        "value": value,
                        "unit": measure.unit,
                        "measure": measure.label,
                        "low": measure.minimum,
                        "high": measure.maximum,
                    },
                )
            )
            continue
        taken_at = _parse_time(reading.get("at"))
        if taken_at is None:
            reasons.append(
                _reason(
                    index, reading, _("“at” must be an ISO 8601 time with its offset, e.g. 2026-03-01T08:30:00+08:00.")
                )
            )
            continue
        if taken_at > latest_allowed:
            reasons.append(
                _reason(
                    index,
                    reading,
                    _("The time is %(minutes)d minutes ahead of the server's clock; check the device's clock.")
                    % {"minutes": math.ceil((taken_at - now).total_seconds() / 60)},
                )
            )
            continue
        if taken_at < oldest_allowed:
            reasons.append(
                _reason(
                    index,
                    reading,
                    _("The reading is older than the %(days)d days raw readings are kept.")
                    % {"days": settings.TRACE_RAW_RETENTION_DAYS},
                )
            )
            continue
        key = (measure.number, taken_at)
        if key in seen:  # the same reading twice in one batch: stored once
            continue
        seen.add(key)
        rows.append((measure.number, taken_at, float(value)))
    if reasons:
        shown = reasons[:MAX_REASONS_LISTED]
        raise IngestRefused(
            400,
            "invalid_readings",
            _("%(count)d of %(total)d readings were refused; nothing was stored. Fix them and send the batch again.")
            % {"count": len(reasons), "total": len(readings)},
            errors=shown,
        )
    return rows


def _is_finite_number(value):
    """A JSON number a float can hold: not a boolean, NaN or Infinity, nor an integer of hundreds of digits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float (JSON has no limit on digits)
        return False


def _parse_time(text):
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # year 1 or 9999 with an offset that moves it out of the calendar
        return None


def ingest(device, rows, now=None):
    """Store the checked rows of one device, then: its last-seen time, the page's live event, the alert rules.

    A device without alert rules (`authenticate` says so) costs one statement on PostgreSQL (storage.store_readings:
    readings, pending hours and last-seen time together, atomic by itself); with rules, the rules are locked and
    moved in the same transaction as the readings.
    """
    from traceability.alerts import evaluate_rules

    now = now or timezone.now()
    seen_due = device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY
    has_rules = getattr(device, "has_alert_rules", True)
    with transaction.atomic() if has_rules else contextlib.nullcontext():
        stored = storage.store_readings(device.pk, rows, seen_at=now if seen_due else None)
        latest = _latest_public(device, rows)
        if seen_due:
            was_live = device.last_seen_at is not None and now - device.last_seen_at < LIVE_WITHIN
            device.last_seen_at = now
            if not was_live and device.public_measures:
                announce_badges_changed([device.listing.project_id])
        if latest:
            project_id, device_id = device.listing.project_id, device.pk
            transaction.on_commit(lambda: push_readings(project_id, device_id, latest))
        if has_rules:
            evaluate_rules(device, rows)
    return IngestResult(received=len(rows), stored=stored, latest=latest)


def _latest_public(device, rows):
    public = {measures.BY_CODE[code].number: code for code in device.public_measures if code in measures.BY_CODE}
    latest = {}
    for number, taken_at, value in rows:
        code = public.get(number)
        if code is None:
            continue
        if code not in latest or taken_at > latest[code][0]:
            latest[code] = (taken_at, value)
    return {code: [taken_at.isoformat(), value] for code, (taken_at, value) in latest.items()}
