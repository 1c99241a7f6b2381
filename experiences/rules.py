"""The cancellation and refund rules, in one place: shown before booking and applied when a booking is cancelled."""

from datetime import timedelta

from django.utils.translation import gettext as _

from experiences.models import CancellationRule

# rule → [(at least this long before the start, percent refunded)], longest notice first. Later than the last
# step: the person can no longer cancel a paid place for money back (a free place can always be given up).
STEPS = {
    CancellationRule.FLEXIBLE: [(timedelta(hours=24), 100)],
    CancellationRule.MODERATE: [(timedelta(days=7), 100), (timedelta(hours=24), 50)],
    CancellationRule.STRICT: [(timedelta(days=7), 50)],
}


def refund_percent(rule, starts_at, now):
    """The share of the price refunded when the person cancels at `now` (the organiser cancelling refunds 100)."""
    notice = starts_at - now
    for before, percent in STEPS[CancellationRule(rule)]:
        if notice >= before:
            return percent
    return 0


def describe(rule):
    """The rule in a sentence for the detail page and the booking panel."""
    return {
        CancellationRule.FLEXIBLE: _(
            "Cancel up to 24 hours before the start for a full refund; later, no refund. If the organiser cancels, "
            "everything is refunded."
        ),
        CancellationRule.MODERATE: _(
            "Cancel up to 7 days before the start for a full refund, up to 24 hours before for half; later, no "
            "refund. If the organiser cancels, everything is refunded."
        ),
        CancellationRule.STRICT: _(
            "Cancel up to 7 days before the start for half the price back; later, no refund. If the organiser "
            "cancels, everything is refunded."
        ),
    }[CancellationRule(rule)]


def refund_amount(price_twd, percent):
    """The NT$ refunded: `percent` of the price, rounded half up to a whole dollar (50% of NT$1,250 is NT$625)."""
    return (price_twd * percent + 50) // 100
