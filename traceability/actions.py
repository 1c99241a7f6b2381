"""Every change to batches, their records and devices: check, change in a transaction, audit entry.

Only members of the team that runs the project (marketplace's check_project_team) act on its batches and devices.
A record is appended under the batch's row lock, so two people adding records at once get consecutive numbers
and one unbroken chain. Records are never changed: `refuse_entry_change` is what an edit gets.
"""

import hashlib
import secrets
from datetime import UTC, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actions import ActionRefused, check_staff_permission, staff_reason
from core.audit import Action, log
from marketplace.actions.teams import check_project_team
from notifications.actions import tell_team_of_staff_action
from notifications.messages import Message
from traceability import chain, measures
from traceability.badges import announce_badges_changed
from traceability.models import (
    AlertRule,
    Attachment,
    Batch,
    Device,
    DeviceToken,
    Entry,
    PendingHour,
    ReadingExclusion,
    earliest_entry_time,
    earliest_hidden_reading,
    entry_too_long_ago_message,
    hidden_span_too_long_ago_message,
)
from traceability.storage import hour_of

# A record says what happened: a clock a few minutes fast is tolerated, a date in the future is not.
ENTRY_CLOCK_SKEW = timedelta(minutes=5)
TOKEN_PREFIX = "hwd_"  # noqa: S105 (a marker that says what the text is, not a secret)


def _team_organisation(listing):
    return listing.enterprise.organisation


# --- batches ---------------------------------------------------------------------------------------------------


def check_batch_team(user, batch):
    check_project_team(user, batch.listing)
    return batch


@transaction.atomic
def create_batch(user, listing, *, name, product, description="", plan=None, period_start=None, period_end=None):
    check_project_team(user, listing)
    if plan is not None and plan.listing_id != listing.pk:
        raise ActionRefused(_("This subscription plan belongs to another project."))
    batch = Batch(
        listing=listing,
        plan=plan,
        period_start=period_start,
        period_end=period_end,
        name=name.strip(),
        product=product.strip(),
        description=description.strip(),
        created_by=user,
    )
    try:
        batch.full_clean()
    except ValidationError as error:
        raise ActionRefused(" ".join(error.messages)) from None
    batch.save()
    log(Action.BATCH_CREATE, actor=user, organisation=_team_organisation(listing), batch=batch.code)
    return batch


def _whole_seconds(moment):
    return moment.replace(microsecond=0)


def entry_content_of(entry, attachments, corrects_sequence):
    """The hashed content of a stored entry (what verification rebuilds from the columns)."""
    return chain.entry_content(
        batch_code=entry.batch.code,
        sequence=entry.sequence,
        kind=entry.kind,
        occurred_at=entry.occurred_at,
        township_code=entry.township.code,
        place_detail=entry.place_detail,
        performed_by=entry.performed_by,
        description=entry.description,
        details=entry.details,
        corrects_sequence=corrects_sequence,
        correction_reason=entry.correction_reason,
        recorded_at=entry.recorded_at,
        attachments=[(item.kind, item.sha256) for item in attachments],
    )


def append_entry(
    user,
    batch,
    *,
    kind,
    occurred_at,
    township,
    performed_by,
    place_detail="",
    description="",
    details=None,
    files=(),
    corrects=None,
    correction_reason="",
):
    """Append one record (with its checked photos and documents, uploads.CheckedFile) to the batch's chain."""
    check_batch_team(user, batch)
    details = {key: str(value).strip() for key, value in (details or {}).items() if str(value).strip()}
    now = timezone.now()
    if occurred_at > now + ENTRY_CLOCK_SKEW:
        raise ActionRefused(_("A record says what happened: its time cannot be in the future."))
    if occurred_at < earliest_entry_time(now):
        raise ActionRefused(entry_too_long_ago_message(now))
    if kind not in Entry.Kind.values:
        raise ActionRefused(_("Choose what kind of step this record is."))
    if not performed_by.strip():
        raise ActionRefused(_("Say who did it (a person, a role or a partner)."))
    if kind == Entry.Kind.LAB_TEST and not any(item.kind == "document" for item in files):
        raise ActionRefused(_("A lab test record needs the laboratory's certificate: upload it as a document."))
    if corrects is not None:
        if corrects.batch_id != batch.pk:
            raise ActionRefused(_("A correction must point at a record of the same batch."))
        if not correction_reason.strip():
            raise ActionRefused(_("Say what was wrong in the record you correct."))
    elif correction_reason:
        raise ActionRefused(_("A reason for a correction needs the record it corrects."))

    with transaction.atomic():
        # The batch row is the chain's lock: numbers and links are taken one append at a time.
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        sequence = locked.entry_count + 1
        previous = locked.head_hash or chain.GENESIS
        entry = Entry(
            batch=locked,
            sequence=sequence,
            kind=kind,
            occurred_at=_whole_seconds(occurred_at),
            township=township,
            place_detail=place_detail.strip(),
            performed_by=performed_by.strip(),
            description=description.strip(),
            details=details,
            corrects=corrects,
            correction_reason=correction_reason.strip(),
            recorded_at=_whole_seconds(now),
            recorded_by=user,
        )
        content = chain.entry_content(
            batch_code=locked.code,
            sequence=sequence,
            kind=entry.kind,
            occurred_at=entry.occurred_at,
            township_code=township.code,
            place_detail=entry.place_detail,
            performed_by=entry.performed_by,
            description=entry.description,
            details=details,
            corrects_sequence=corrects.sequence if corrects is not None else None,
            correction_reason=entry.correction_reason,
            recorded_at=entry.recorded_at,
            attachments=[(item.kind, item.sha256) for item in files],
        )
        entry.content_hash = chain.content_hash(content)
        entry.previous_hash = previous
        entry.entry_hash = chain.link_hash(previous, entry.content_hash)
        entry.save()
        for item in files:
            attachment = Attachment(
                entry=entry,
                kind=item.kind,
                sha256=item.sha256,
                size=len(item.content),
                content_type=item.content_type,
                original_name=item.original_name,
                description=item.description,
            )
            attachment.file.save(f"upload.{item.extension}", item.as_content_file(), save=False)
            if item.preview:
                attachment.preview.save("preview.jpg", item.preview_file(), save=False)
            attachment.save()
        Batch.objects.filter(pk=locked.pk).update(entry_count=sequence, head_hash=entry.entry_hash)
        batch.entry_count, batch.head_hash = sequence, entry.entry_hash
        action = Action.BATCH_ENTRY_CORRECT if corrects is not None else Action.BATCH_ENTRY_APPEND
        log(
            action,
            actor=user,
            organisation=_team_organisation(batch.listing),
            batch=locked.code,
            sequence=sequence,
            entry_hash=entry.entry_hash,
        )
        if locked.is_public and sequence == 1:
            announce_badges_changed([batch.listing.project_id])
    return entry


def refuse_entry_change(user, entry):
    """What an attempt to edit a written record gets (after the team check): a refusal that says what to do."""
    check_batch_team(user, entry.batch)
    raise ActionRefused(
        _(
            "Record #%(number)d was written on %(date)s and is part of the batch's chain: it cannot be changed. "
            "Add a correction that points at it instead."
        )
        % {"number": entry.sequence, "date": timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M")},
        code="append_only",
    )


@transaction.atomic
def set_batch_public(user, batch, public):
    check_batch_team(user, batch)
    if public and batch.entry_count == 0:
        raise ActionRefused(_("Add the batch's first record before you publish it."))
    if batch.is_public == public:
        return batch
    batch.is_public = public
    if public and batch.published_at is None:
        batch.published_at = timezone.now()
    batch.save(update_fields=["is_public", "published_at"])
    log(
        Action.BATCH_PUBLISH if public else Action.BATCH_UNPUBLISH,
        actor=user,
        organisation=_team_organisation(batch.listing),
        batch=batch.code,
    )
    announce_badges_changed([batch.listing.project_id])
    return batch


# --- devices ---------------------------------------------------------------------------------------------------


def check_device_team(user, device):
    check_project_team(user, device.listing)
    return device


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue_token(device, user):
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    DeviceToken.objects.create(device=device, token_hash=hash_token(token), prefix=token[:12], created_by=user)
    return token


def _checked_measures(codes, *, allowed=None):
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in measures.BY_CODE]
    if unknown:
        raise ActionRefused(_("Unknown measure: %(codes)s.") % {"codes": ", ".join(unknown)})
    if allowed is not None:
        outside = [code for code in codes if code not in allowed]
        if outside:
            raise ActionRefused(
                _("This device does not report %(codes)s.")
                % {"codes": ", ".join(str(measures.BY_CODE[code].label) for code in outside)}
            )
    return codes


@transaction.atomic
def register_device(user, listing, *, name, township, measure_codes, public_codes=(), kind=Device.Kind.SENSOR):
    """A new device and its first token: (device, token). The token is shown once and stored only as a hash."""
    check_project_team(user, listing)
    codes = _checked_measures(measure_codes)
    if not codes:
        raise ActionRefused(_("Choose at least one measure the device reports."))
    public = _checked_measures(public_codes, allowed=codes)
    if not name.strip():
        raise ActionRefused(_("Give the device a name the team recognises (e.g. “Pond 3 probe”)."))
    device = Device.objects.create(
        listing=listing,
        name=name.strip(),
        kind=kind,
        township=township,
        measures=codes,
        public_measures=public,
        created_by=user,
    )
    token = _issue_token(device, user)
    log(Action.DEVICE_REGISTER, actor=user, organisation=_team_organisation(listing), device=device.pk)
    return device, token


@transaction.atomic
def rotate_device_token(user, device):
    """A new token for the device; the old one stops working at once. Returns the new token (shown once)."""
    check_device_team(user, device)
    if not device.is_active:
        raise ActionRefused(_("This device was revoked; register a new device instead."))
    DeviceToken.objects.filter(device=device, replaced_at__isnull=True, revoked_at__isnull=True).update(
        replaced_at=timezone.now()
    )
    token = _issue_token(device, user)
    log(Action.DEVICE_TOKEN_ROTATE, actor=user, organisation=_team_organisation(device.listing), device=device.pk)
    return token


@transaction.atomic
def revoke_device(user, device):
    check_device_team(user, device)
    if not device.is_active:
        return device
    _revoke(device)
    log(Action.DEVICE_REVOKE, actor=user, organisation=_team_organisation(device.listing), device=device.pk)
    return device


MODERATE_PERMISSION = "traceability.moderate_device"


@transaction.atomic
def revoke_device_as_staff(user, device, *, reason):
    """Staff revoke a device (its tokens stop working, its readings stay), as its team would, with a reason the
    team's members are told. Returns False, changing nothing, when it was already revoked."""
    check_staff_permission(user, MODERATE_PERMISSION)
    reason = staff_reason(reason)
    device = (
        Device.objects.select_for_update(of=("self",))
        .select_related("listing__enterprise__organisation")
        .get(pk=device.pk)
    )
    if not device.is_active:
        return False
    _revoke(device)
    organisation = _team_organisation(device.listing)
    log(Action.DEVICE_STAFF_REVOKE, actor=user, organisation=organisation, device=device.pk, reason=reason)
    tell_team_of_staff_action(
        organisation,
        title=Message(gettext_noop("Our staff revoked your device: %(name)s"), name=device.name),
        what=Message(
            gettext_noop(
                "Its token no longer works, so it cannot send readings; those it sent are kept. Register a new "
                "device once you have dealt with the reason below."
            )
        ),
        reason=reason,
        url=lambda: reverse("traceability:device", kwargs={"pk": device.pk}),
    )
    return True


def _revoke(device):
    now = timezone.now()
    device.revoked_at = now
    device.save(update_fields=["revoked_at"])
    DeviceToken.objects.filter(device=device, revoked_at__isnull=True).update(revoked_at=now)
    announce_badges_changed([device.listing.project_id])


@transaction.atomic
def set_public_measures(user, device, codes):
    check_device_team(user, device)
    device.public_measures = _checked_measures(codes, allowed=device.measures)
    device.save(update_fields=["public_measures"])
    log(
        Action.DEVICE_PUBLIC_MEASURES,
        actor=user,
        organisation=_team_organisation(device.listing),
        device=device.pk,
        measures=device.public_measures,
    )
    announce_badges_changed([device.listing.project_id])
    return device


@transaction.atomic
def add_alert_rule(user, device, *, measure, minimum=None, maximum=None, sustained_minutes=10, notify_backers=False):
    check_device_team(user, device)
    _checked_measures([measure], allowed=device.measures)
    if minimum is None and maximum is None:
        raise ActionRefused(_("Give a lowest or a highest acceptable value (or both)."))
    if minimum is not None and maximum is not None and minimum >= maximum:
        raise ActionRefused(_("The lowest acceptable value must be below the highest."))
    bounds = measures.BY_CODE[measure]
    for value in (minimum, maximum):
        if value is not None and not bounds.minimum <= value <= bounds.maximum:
            raise ActionRefused(
                _("%(measure)s can only be between %(low)s and %(high)s %(unit)s; a limit outside never triggers.")
                % {"measure": bounds.label, "low": bounds.minimum, "high": bounds.maximum, "unit": bounds.unit}
            )
    if sustained_minutes > 24 * 60:
        raise ActionRefused(_("Alert within a day at most: use at most 1,440 minutes."))
    rule = AlertRule.objects.create(
        device=device,
        measure=measure,
        minimum=minimum,
        maximum=maximum,
        sustained_minutes=sustained_minutes,
        notify_backers=notify_backers,
        created_by=user,
    )
    log(Action.ALERT_RULE_ADD, actor=user, organisation=_team_organisation(device.listing), rule=rule.pk)
    return rule


@transaction.atomic
def remove_alert_rule(user, rule):
    check_device_team(user, rule.device)
    log(Action.ALERT_RULE_REMOVE, actor=user, organisation=_team_organisation(rule.device.listing), rule=rule.pk)
    rule.delete()


HIDE_SPAN_MAX = timedelta(days=31)


@transaction.atomic
def hide_readings(user, device, *, measure, start, end, reason):
    """Hide one measure's readings of a device in [start, end) (nonsense from a faulty sensor): they stay stored,
    charts, latest figures and aggregates leave them out (the span's hours are recomputed by the aggregates job),
    and the project page says a span was hidden and why."""
    check_device_team(user, device)
    _checked_measures([measure], allowed=device.measures)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Say why these readings are hidden: the project page shows it."))
    if start >= end:
        raise ActionRefused(_("The span ends before it starts; check both times."))
    if end - start > HIDE_SPAN_MAX:
        raise ActionRefused(_("Hide at most 31 days at once."))
    now = timezone.now()
    if start >= now:
        raise ActionRefused(_("This span has not started yet: hide readings once they have arrived."))
    if start < earliest_hidden_reading(now):
        raise ActionRefused(hidden_span_too_long_ago_message(now))
    end = min(end, now)  # readings still to come are judged when they arrive
    exclusion = ReadingExclusion.objects.create(
        device=device, measure=measure, start=start, end=end, reason=reason, created_by=user
    )
    _recompute_hours(device, start, end)
    log(
        Action.READINGS_HIDE,
        actor=user,
        organisation=_team_organisation(device.listing),
        device=device.pk,
        measure=measure,
        start=start.isoformat(),
        end=end.isoformat(),
        reason=reason,
    )
    return exclusion


@transaction.atomic
def show_readings_again(user, exclusion):
    """Undo a hidden span (hidden by mistake, or the sensor was right after all): the readings count again in the
    charts, latest figures and aggregates (the span's hours are recomputed by the aggregates job), and the project
    page no longer mentions the span. The audit entry keeps what was hidden and why."""
    device = exclusion.device
    check_device_team(user, device)
    _recompute_hours(device, exclusion.start, exclusion.end)
    log(
        Action.READINGS_SHOW,
        actor=user,
        organisation=_team_organisation(device.listing),
        device=device.pk,
        measure=exclusion.measure,
        start=exclusion.start.isoformat(),
        end=exclusion.end.isoformat(),
        reason=exclusion.reason,
    )
    exclusion.delete()


def _recompute_hours(device, start, end):
    """Queue every hour of [start, end) of the device for the aggregates job."""
    hour = hour_of(start.astimezone(UTC))
    hours = []
    while hour < end:
        hours.append(PendingHour(device=device, hour=hour))
        hour += timedelta(hours=1)
    PendingHour.objects.bulk_create(hours, ignore_conflicts=True)


def check_staff(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
