"""A backer manages their own subscription: pause until a date, skip a period, resume, switch plan, cancel.

Each action is one function (check, then do): it asks Stripe through stripe_api,
then copies the state of the subscription Stripe returns onto the Backing with
`apply_subscription_state` — the same function the webhook handlers can use, so
a later customer.subscription.updated event sets the very same fields. A subscription
the demo checkout made (`make run` without Stripe keys) is asked of the demo gateway,
which answers the same requests as Stripe would (payments/gateways/demo.py).
"""

import datetime
import logging
from calendar import monthrange
from zoneinfo import ZoneInfo

import stripe
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from payments import stripe_api
from payments.models import Backing

logger = logging.getLogger(__name__)

TAIPEI = ZoneInfo("Asia/Taipei")
MANAGEABLE = (Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)

PAUSE_BY_BACKER = "backer"
PAUSE_FOR_SEASON = "season"

# Stripe's subscription status → ours (a paused collection is "paused" whatever Stripe's status says).
STATUS_FROM_STRIPE = {
    "active": Backing.Status.ACTIVE,
    "trialing": Backing.Status.ACTIVE,
    "past_due": Backing.Status.PAST_DUE,
    "unpaid": Backing.Status.PAST_DUE,
    "paused": Backing.Status.PAUSED,
    "canceled": Backing.Status.CANCELED,
    "incomplete": Backing.Status.PENDING,
    "incomplete_expired": Backing.Status.EXPIRED,
}


class StripeUnavailable(ActionRefused):
    """Stripe refused or did not answer; nothing changed here and the person may try again."""


def _value(obj, key, default=None):
    if obj is None:
        return default
    try:
        value = obj[key]
    except (KeyError, TypeError, AttributeError):
        return default
    return default if value is None else value


def _timestamp(value):
    return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC) if value else None


def plan_id_from_subscription(subscription):
    """Our plan id, from the Price's lookup key (homeward-plan-<id>-…) or the subscription's metadata."""
    items = _value(_value(subscription, "items"), "data", [])
    for item in items:
        key = _value(_value(item, "price"), "lookup_key", "")
        if key.startswith("homeward-plan-"):
            number = key.removeprefix("homeward-plan-").split("-", 1)[0]
            if number.isdigit():
                return int(number)
    number = _value(_value(subscription, "metadata"), "homeward_plan_id", "")
    return int(number) if str(number).isdigit() else None


def _period_end(subscription):
    items = _value(_value(subscription, "items"), "data", [])
    period_end = _value(items[0], "current_period_end") if items else None
    return _timestamp(period_end or _value(subscription, "current_period_end"))


def apply_subscription_state(backing, subscription):
    """Copy what Stripe says of the subscription onto the backing (status, period, pause, cancellation, plan)."""
    backing.current_period_end = _period_end(subscription)
    pause = _value(subscription, "pause_collection")
    backing.paused_until = _timestamp(_value(pause, "resumes_at")) if pause else None
    backing.pause_reason = (
        (_value(_value(subscription, "metadata"), "homeward_pause", "") or PAUSE_BY_BACKER) if pause else ""
    )
    backing.cancel_at_period_end = bool(_value(subscription, "cancel_at_period_end", False))
    status = STATUS_FROM_STRIPE.get(_value(subscription, "status", ""), backing.status)
    backing.status = Backing.Status.PAUSED if pause and status == Backing.Status.ACTIVE else status
    plan_id = plan_id_from_subscription(subscription)
    if plan_id and plan_id != backing.plan_id and backing.listing.subscription_plans.filter(pk=plan_id).exists():
        backing.plan_id = plan_id
    backing.save(
        update_fields=[
            "current_period_end",
            "paused_until",
            "pause_reason",
            "cancel_at_period_end",
            "status",
            "plan",
            "updated",
        ]
    )
    return backing


# --- checks -----------------------------------------------------------------------


def check_can_manage(user, backing):
    """Only the backer manages a subscription, and only while it is live at Stripe."""
    if not user.is_authenticated or backing.backer_id != user.pk:
        raise PermissionDenied
    if backing.kind != Backing.Kind.SUBSCRIPTION or not backing.stripe_subscription_id:
        raise ActionRefused(_("This backing is not a subscription that can be changed."), code="not_subscription")
    if backing.status not in MANAGEABLE:
        raise ActionRefused(_("This subscription has ended and can no longer be changed."), code="ended")


def latest_resume_day(today=None):
    """The last day a pause set today may run to (settings.SUBSCRIPTION_PAUSE_MAX_DAYS from today)."""
    return (today or timezone.localdate()) + datetime.timedelta(days=settings.SUBSCRIPTION_PAUSE_MAX_DAYS)


def check_pause_date(resumes_on, today=None):
    """The day collection resumes: after today and at most settings.SUBSCRIPTION_PAUSE_MAX_DAYS away."""
    today = today or timezone.localdate()
    if resumes_on <= today:
        raise ActionRefused(_("Choose a date after today."), code="past")
    if resumes_on > latest_resume_day(today):
        raise ActionRefused(
            _("A pause lasts at most %(days)s days: give a day on or before %(date)s.")
            % {"days": settings.SUBSCRIPTION_PAUSE_MAX_DAYS, "date": formats.date_format(latest_resume_day(today))},
            code="too_far",
        )


def start_of_day(day):
    """Midnight in Taiwan at the start of `day`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TAIPEI)


def add_interval(moment, interval):
    """One billing period after `moment` (month: the same day next month, clipped to its last day)."""
    if interval == "year":
        year, month = moment.year + 1, moment.month
    else:
        year, month = (moment.year + (moment.month // 12), moment.month % 12 + 1)
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


# --- actions ----------------------------------------------------------------------


def _as_dict(subscription):
    return subscription.to_dict() if hasattr(subscription, "to_dict") else dict(subscription)


def _call(backing, request, action, actor, **data):
    """Run one Stripe request and apply the subscription it returns, under a lock on the backing.

    `request` returns (subscription, accepted): `accepted` holds the fields this request set. Stripe
    accepted them, so the subscription now holds exactly them; they are laid over the returned object
    (which carries everything else: status, period, items), as a later webhook will say too.
    """
    try:
        subscription, accepted = request()
    except stripe_api.PaymentsNotConfigured as error:
        raise _not_connected() from error
    except stripe.StripeError as error:
        logger.warning("Stripe refused %s for backing %s: %s", action, backing.pk, error)
        raise StripeUnavailable(
            _("Stripe could not make this change just now; nothing was changed. Please try again in a moment."),
            code="stripe",
        ) from error
    state = _as_dict(subscription)
    metadata = {**(state.get("metadata") or {}), **accepted.pop("metadata", {})}
    state.update(accepted, metadata=metadata)
    with transaction.atomic():
        locked = Backing.objects.select_for_update(of=("self",)).select_related("listing").get(pk=backing.pk)
        apply_subscription_state(locked, state)
        log(action, actor=actor, organisation=None, backing=backing.pk, **data)
    return locked


def _holder(backing):
    """Who holds this subscription and answers its requests: Stripe (stripe_api), or the demo gateway for one that
    its checkout made on a demo site."""
    from payments.gateways import demo

    return demo if demo.holds(backing.stripe_subscription_id) else stripe_api


def _pause(user, backing, resumes_at, action, reason=PAUSE_BY_BACKER):
    def request():
        subscription = _holder(backing).pause_subscription(backing.stripe_subscription_id, resumes_at, reason=reason)
        pause = {"behavior": "void", "resumes_at": int(resumes_at.timestamp())}
        return subscription, {"pause_collection": pause, "metadata": {"homeward_pause": reason}}

    return _call(backing, request, action, user, resumes_at=resumes_at.isoformat(), reason=reason)


def _shown_date(moment):
    return formats.date_format(timezone.localtime(moment, TAIPEI).date(), "DATE_FORMAT")


def check_season_pause_kept(backing, resumes_at):
    """A pause may lengthen the break outside the plan's season, never shorten it: charges would start before the
    season does."""
    if backing.pause_reason == PAUSE_FOR_SEASON and backing.paused_until and resumes_at < backing.paused_until:
        raise ActionRefused(
            _(
                "Nothing is charged before %(date)s anyway: this plan bills only in its season. Choose a later "
                "date, or let it resume by itself when the season starts."
            )
            % {"date": _shown_date(backing.paused_until)},
            code="season",
        )


def check_not_paused(backing):
    """A skip is for a running subscription: on a paused one it would move the day charges resume (an old page's
    button must not shorten the pause the person chose since)."""
    if backing.status == Backing.Status.PAUSED or backing.paused_until is not None:
        if backing.paused_until is None:
            raise ActionRefused(_("This subscription is already paused; nothing was changed."), code="paused")
        raise ActionRefused(
            _(
                "This subscription is already paused until %(date)s: nothing is charged before then, and nothing "
                "was changed. To pause for longer, choose another date."
            )
            % {"date": _shown_date(backing.paused_until)},
            code="paused",
        )


def check_not_ending(backing):
    """Pausing, skipping and switching plan change charges to come; a subscription set to end when its period ends
    has none, so each would succeed and change nothing (a skip would even promise that billing continues)."""
    if not backing.cancel_at_period_end:
        return
    if backing.current_period_end:
        reason = _(
            "This subscription ends on %(date)s and nothing more is charged, so there is nothing to pause, skip or "
            "switch; nothing was changed. To go on backing, choose “Keep my subscription” first."
        ) % {"date": _shown_date(backing.current_period_end)}
    else:
        reason = _(
            "This subscription ends when the current period ends and nothing more is charged, so there is nothing "
            "to pause, skip or switch; nothing was changed. To go on backing, choose “Keep my subscription” first."
        )
    raise ActionRefused(reason, code="ending")


def pause_until(user, backing, resumes_on):
    """Stop collecting until the morning of `resumes_on` (Taiwan time); charges in between are skipped."""
    check_can_manage(user, backing)
    check_not_ending(backing)
    check_pause_date(resumes_on)
    check_season_pause_kept(backing, start_of_day(resumes_on))
    return _pause(user, backing, start_of_day(resumes_on), Action.SUBSCRIPTION_PAUSED)


def next_period_end(backing):
    """When the period after the current one ends: a skip pauses collection until then."""
    period_end = backing.current_period_end or _period_end(_retrieve(backing))
    if period_end is None:
        raise ActionRefused(_("The next charge date is not known yet; try again later."), code="no_period")
    return add_interval(period_end, backing.plan.interval)


def skip_next_period(user, backing):
    """Pause until the end of the next period: the coming charge is skipped, the one after it is made."""
    check_can_manage(user, backing)
    check_not_ending(backing)
    check_not_paused(backing)
    try:
        resumes_at = next_period_end(backing)
    except stripe.StripeError as error:
        raise StripeUnavailable(
            _("Stripe could not make this change just now; nothing was changed. Please try again in a moment."),
            code="stripe",
        ) from error
    return _pause(user, backing, resumes_at, Action.SUBSCRIPTION_SKIPPED)


def resume(user, backing):
    """Collect again from the next charge."""
    check_can_manage(user, backing)
    if backing.status != Backing.Status.PAUSED and backing.paused_until is None:
        raise ActionRefused(_("This subscription is not paused."), code="not_paused")
    if backing.pause_reason == PAUSE_FOR_SEASON:
        raise ActionRefused(_("This plan bills only in its season; it resumes by itself when the season starts."))

    def request():
        subscription = _holder(backing).resume_subscription(backing.stripe_subscription_id)
        return subscription, {"pause_collection": None, "metadata": {"homeward_pause": ""}}

    return _call(backing, request, Action.SUBSCRIPTION_RESUMED, user)


def check_plan_switch(backing, plan):
    if plan.listing_id != backing.listing_id:
        raise ActionRefused(_("Choose a plan of the same project."), code="other_project")
    if plan.pk == backing.plan_id:
        raise ActionRefused(_("This is already your plan."), code="same_plan")
    if plan.max_backers and plan.backings.filter(status__in=MANAGEABLE).count() >= plan.max_backers:
        raise ActionRefused(_("This plan is full."), code="full")


def switch_plan(user, backing, plan):
    """Bill the next periods at the other plan's price (no proration: the current period is paid for)."""
    check_can_manage(user, backing)
    check_not_ending(backing)
    check_plan_switch(backing, plan)

    def request():
        items = _value(_value(_retrieve(backing), "items"), "data", [])
        if not items:
            raise ActionRefused(_("This subscription has nothing to switch; please contact us."), code="no_items")
        price_id = _holder(backing).price_for_plan(plan)
        subscription = _holder(backing).switch_subscription_price(
            backing.stripe_subscription_id, items[0]["id"], price_id, plan_id=plan.pk
        )
        return subscription, {"metadata": {"homeward_plan_id": str(plan.pk)}}

    backing = _call(backing, request, Action.SUBSCRIPTION_PLAN_SWITCHED, user, plan=plan.pk)
    Backing.objects.filter(pk=backing.pk, plan=plan).update(amount_twd=plan.price_twd)
    backing.refresh_from_db()
    return backing


def _set_cancel(user, backing, cancel, action):
    def request():
        return _holder(backing).set_cancel_at_period_end(backing.stripe_subscription_id, cancel), {
            "cancel_at_period_end": cancel
        }

    return _call(backing, request, action, user)


def cancel_at_period_end(user, backing):
    """End the subscription when the paid period ends; nothing more is charged."""
    check_can_manage(user, backing)
    if backing.cancel_at_period_end:
        raise ActionRefused(_("This subscription already ends at the end of the period."), code="already")
    return _set_cancel(user, backing, True, Action.SUBSCRIPTION_CANCEL_REQUESTED)


def undo_cancel(user, backing):
    """Keep the subscription after all (possible until the period ends)."""
    check_can_manage(user, backing)
    if not backing.cancel_at_period_end:
        raise ActionRefused(_("This subscription is not set to end."), code="not_ending")
    return _set_cancel(user, backing, False, Action.SUBSCRIPTION_CANCEL_UNDONE)


def _retrieve(backing):
    try:
        return _holder(backing).retrieve_subscription(backing.stripe_subscription_id)
    except stripe_api.PaymentsNotConfigured as error:
        raise _not_connected() from error


def _not_connected():
    """No Stripe key (`make run`'s demo checkout): a subscription lives at Stripe, so it cannot change here."""
    return StripeUnavailable(
        _(
            "This site is not connected to Stripe (its demo checkout moves no money), so a subscription cannot be "
            "paused, skipped or changed here; nothing was changed."
        ),
        code="not_connected",
    )


# --- the season of a seasonal plan (run by payments.seasons, no person acting) -----


def pause_for_season(backing, resumes_at):
    """Void charges until the season starts again (Stripe resumes collection by itself at `resumes_at`)."""
    return _pause(None, backing, resumes_at, Action.SUBSCRIPTION_SEASON_PAUSED, reason=PAUSE_FOR_SEASON)


def resume_for_season(backing):
    def request():
        subscription = _holder(backing).resume_subscription(backing.stripe_subscription_id)
        return subscription, {"pause_collection": None, "metadata": {"homeward_pause": ""}}

    return _call(backing, request, Action.SUBSCRIPTION_SEASON_RESUMED, None)
