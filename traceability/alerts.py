"""Alert rules: tell the team (and, if the team chose so, the backers) when a measure stays outside its limits.

A rule fires once when its measure has been outside [minimum, maximum] for `sustained_minutes` (a single odd
reading does nothing), and once more ("back within the limits", team only) when a reading is inside again. Its
state changes only at those crossings; readings are evaluated in time order, and a reading older than the last one
a rule saw is ignored (a late batch cannot reopen an alert that is over). The device's rules are locked for the
evaluation, so two posts of one device at once cannot both fire.
"""

from collections import defaultdict
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from notifications.messages import Message
from traceability import measures
from traceability.models import AlertRule

ALERT = "alert"
RECOVERED = "recovered"


def evaluate_rules(device, rows):
    """Move the device's rules with the new rows (measure number, time, value); queue the notifications."""
    rules = list(AlertRule.objects.select_for_update().filter(device=device))
    if not rules:
        return []
    series = defaultdict(list)
    for number, taken_at, value in rows:
        series[number].append((taken_at, value))
    fired = []
    for rule in rules:
        measure = measures.BY_CODE.get(rule.measure)
        if measure is None:
            continue
        points = sorted(
            point
            for point in series.get(measure.number, [])
            if not rule.last_checked_at or point[0] > rule.last_checked_at
        )
        if not points:
            continue
        for taken_at, value in points:
            if rule.is_outside(value):
                if rule.outside_since is None:
                    rule.outside_since = taken_at
                if rule.alerted_at is None and taken_at - rule.outside_since >= timedelta(
                    minutes=rule.sustained_minutes
                ):
                    rule.alerted_at = taken_at
                    fired.append((rule.pk, ALERT, value, taken_at))
            elif rule.outside_since is not None:
                if rule.alerted_at is not None:
                    fired.append((rule.pk, RECOVERED, value, taken_at))
                rule.outside_since = None
                rule.alerted_at = None
        rule.last_checked_at = points[-1][0]
        rule.save(update_fields=["outside_since", "alerted_at", "last_checked_at"])
    for rule_id, kind, value, taken_at in fired:
        transaction.on_commit(partial(_enqueue, rule_id, kind, value, taken_at.isoformat()))
    return fired


def _enqueue(rule_id, kind, value, taken_at):
    from traceability.tasks import send_alert_notifications

    send_alert_notifications.enqueue(rule_id, kind, value, taken_at)


def _describe(rule, kind, value):
    """What the alert says, kept as a Message so that each person reads it in their language (the device's name is the
    team's own words, the figures are plain)."""
    measure = rule.measure_object
    figures = {
        "measure": measure.name,
        "device": rule.device.name,
        "value": measure.format(value),
        "unit": measure.unit,
        "minutes": rule.sustained_minutes,
    }
    if kind == RECOVERED:
        return Message(
            gettext_noop("%(measure)s at %(device)s is back within its limits: %(value)s %(unit)s."), **figures
        )
    if rule.minimum is not None and value < rule.minimum:
        return Message(
            gettext_noop(
                "%(measure)s at %(device)s: %(value)s %(unit)s, below %(limit)s for %(minutes)d minutes or more."
            ),
            limit=measure.format(rule.minimum),
            **figures,
        )
    return Message(
        gettext_noop("%(measure)s at %(device)s: %(value)s %(unit)s, above %(limit)s for %(minutes)d minutes or more."),
        limit=measure.format(rule.maximum),
        **figures,
    )


def notify_alert(rule_id, kind, value, taken_at):
    """Notify the team (and the backers, for an alert of a rule that says so), each in their own language."""
    from notifications.actions import in_language_of, notify
    from notifications.models import Notification
    from payments.queries import people_backing_now

    rule = (
        AlertRule.objects.select_related("device__listing__enterprise__organisation", "device__listing__project")
        .filter(pk=rule_id)
        .first()
    )
    if rule is None:
        return 0
    device = rule.device
    listing = device.listing
    team = [
        membership.user
        for membership in listing.enterprise.organisation.memberships.select_related("user")
        if membership.user.is_active
    ]
    sent = 0
    for person in team:
        with in_language_of(person):
            notify(
                person,
                Notification.Kind.TRACE_ALERT,
                _describe(rule, kind, value),
                url=reverse("traceability:device", kwargs={"pk": device.pk}),
            )
        sent += 1
    if kind == ALERT and rule.notify_backers:
        team_ids = {person.pk for person in team}
        for person in people_backing_now(listing):
            if person.pk in team_ids:
                continue
            with in_language_of(person):
                notify(
                    person,
                    Notification.Kind.TRACE_ALERT_BACKER,
                    _describe(rule, kind, value),
                    body=Message(gettext_noop("The team has been told and is looking after it.")),
                    url=listing.project.url or "",
                )
            sent += 1
    return sent
