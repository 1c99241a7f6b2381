"""Starting a payment: a pending Backing, then a Checkout Session the person is sent to.

The session is opened by the gateway settings choose (payments/gateways/: Stripe's hosted Checkout, or on
`make run` without Stripe keys the demo checkout).

Nothing here records money: the ledger is written only by Stripe's events
(payments/handlers.py). If Stripe cannot be reached, the Backing
made for the attempt is marked expired at once, so no "pending" row is left
behind for a payment that never started.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from core.compiled_sql import compiled_once
from marketplace.models import SubscriptionPlan
from payments import corporate, gateways, stripe_api
from payments.models import Backing

logger = logging.getLogger(__name__)

# Statuses that hold a place on a plan with a cap; a pending checkout holds it for its Checkout Session's lifetime.
HOLDS_A_PLACE = (Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)
# Stripe's shortest: a Checkout Session expires 30 minutes to 24 hours after it is made. Ours expire after 31 minutes
# (a minute of margin for the clocks and the call), so an abandoned checkout holds a capped plan's place that long.
CHECKOUT_LIFETIME = stripe_api.CHECKOUT_EXPIRES_AFTER
# How many checkouts one signed-in person may have open at once. Guests (and everyone, per client address) are
# throttled by the "checkout" rate limit (settings.ACCOUNT_RATE_LIMITS; payments.views.checkout).
MAX_OPEN_CHECKOUTS = 3


def check_payments_configured():
    if not gateways.current().is_configured():
        raise ActionRefused(
            _("Payments are not configured on this site yet: nothing was charged."), code=ActionRefused.UNAVAILABLE
        )


def check_campaign_open(campaign):
    if campaign is None:
        raise ActionRefused(_("This project does not take donations."))
    if not campaign.is_open:
        raise ActionRefused(_("This donation campaign has closed: its deadline has passed."))


def places_taken(plan):
    return places_taken_by_plan([plan.pk]).get(plan.pk, 0)


def places_taken_by_plan(plan_ids):
    """{plan id: places its backings hold} for these plans, in one query; a plan none holds is absent."""
    plan_ids = list(dict.fromkeys(plan_ids))
    if not plan_ids:
        return {}
    return dict(_places_taken.rows(plan_ids, timezone.now() - CHECKOUT_LIFETIME))


@compiled_once  # a project page's funding panel asks on every view: compiled once per process (core.compiled_sql)
def _places_taken(plan_ids, pending_since):
    holding = Q(status__in=HOLDS_A_PLACE) | Q(status=Backing.Status.PENDING, created__gte=pending_since)
    return (
        Backing.objects.filter(holding, plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(places=Count("pk"))
        .values_list("plan_id", "places")
    )


def open_checkouts(user):
    """The signed-in person's pending backings still within their Checkout Session's lifetime."""
    if user is None or not user.is_authenticated:
        return Backing.objects.none()
    recent = timezone.now() - CHECKOUT_LIFETIME
    return Backing.objects.filter(backer=user, status=Backing.Status.PENDING, created__gte=recent)


def checkout_closes_at(backing):
    """When a pending backing's payment page closes: after that it can no longer be paid, it stops counting among
    the person's open checkouts, and the scheduler's expire_abandoned_checkouts marks it not completed (My backings
    and the refusal below both name this time)."""
    return backing.created + CHECKOUT_LIFETIME


def local_time(moment):
    """A moment as the clock on the wall shows it (14:35), as every page writes times."""
    return formats.time_format(timezone.localtime(moment), "H:i")


def check_open_checkouts(user):
    waiting = list(open_checkouts(user).order_by("created")[:MAX_OPEN_CHECKOUTS])
    if len(waiting) >= MAX_OPEN_CHECKOUTS:
        raise ActionRefused(
            _(
                "You already have %(count)s payments waiting to be completed. Finish one on its payment page, "
                "cancel one in My backings, or try again after %(time)s, when the first of them closes."
            )
            % {"count": MAX_OPEN_CHECKOUTS, "time": local_time(checkout_closes_at(waiting[0]))}
        )


def running_subscription(user, plan, company=None):
    """The person's (or the company's they pay as) subscription to `plan` that runs, is paused, failing or set to
    end, or None: the subscribe page points to it before anyone fills the form again."""
    if not user.is_authenticated:
        return None
    return Backing.objects.filter(
        backer=user, plan=plan, paying_organisation=company, status__in=HOLDS_A_PLACE, kind=Backing.Kind.SUBSCRIPTION
    ).first()


def check_not_subscribed_already(user, plan, company=None):
    """One running subscription per person (or company they pay as) and plan: a second would charge twice for the
    same thing (the back button after paying, the form sent again). One set to end is kept from its own page."""
    if running_subscription(user, plan, company) is not None:
        raise ActionRefused(
            _("You already back this plan: pause it, change it or keep it from My backings. Nothing was charged."),
            code="already_subscribed",
        )


def return_url_of(url, backing):
    """The address Checkout returns to, naming the backing: coming back from "cancel" closes that checkout
    (give_up_checkout), so it no longer counts among the person's open ones; coming back from "success" thanks for
    it (queries.came_back_from_checkout)."""
    return f"{url}{'&' if '?' in url else '?'}backing={backing.pk}"


def give_up_checkout(user, backing_id):
    """The signed-in person came back from Checkout's "cancel": their pending backing `backing_id` is closed at the
    gateway (it can no longer be paid) and marked expired, so it stops holding one of their MAX_OPEN_CHECKOUTS (and
    a capped plan's place). Anyone else's backing, a guest's, or one that is no longer pending is left as it is; when
    the gateway cannot close the session it expires by itself. Returns whether a checkout was closed."""
    backing = open_checkouts(user).filter(pk=backing_id).first()
    if backing is None or not gateways.current().expire_checkout(backing):
        return False
    with transaction.atomic():
        closed = Backing.objects.filter(pk=backing.pk, status=Backing.Status.PENDING).update(
            status=Backing.Status.EXPIRED, updated=timezone.now()
        )
        if closed:
            log(Action.CHECKOUT_CANCELED, actor=user, organisation=backing.recipient_organisation, backing=backing.pk)
    if closed and backing.plan_id and backing.plan.max_backers:
        _place_taken(backing.listing.project_id)
    return bool(closed)


def cancel_open_checkout(user, backing):
    """The person cancels, from My backings, a checkout of theirs they left unpaid (the back button instead of
    Stripe's "cancel", a closed tab): it stops holding one of their MAX_OPEN_CHECKOUTS at once, instead of blocking a
    new payment for half an hour."""
    if not open_checkouts(user).filter(pk=backing.pk).exists():
        raise ActionRefused(
            _("This payment is no longer waiting: it was paid, cancelled or has expired. Nothing was changed."),
            code="not_open",
        )
    if not give_up_checkout(user, backing.pk):
        # The gateway would not close the session: it may have been paid a moment ago, or Stripe is out of reach.
        raise ActionRefused(
            _(
                "This payment could not be cancelled just now, and nothing was changed. If you did not pay it, "
                "nothing is charged and it closes by itself at %(time)s."
            )
            % {"time": local_time(checkout_closes_at(backing))},
            code=ActionRefused.UNAVAILABLE,
        )


def _log_checkout(backing, actor):
    log(
        Action.CHECKOUT_STARTED,
        actor=actor,
        organisation=backing.recipient_organisation,
        backing=backing.pk,
        kind=backing.kind,
        amount_twd=backing.amount_twd,
    )


def start_donation(user, listing, *, amount_twd, anonymous, name, success_url, cancel_url, company=None):
    """Create the pending donation and its Checkout Session; returns the Checkout URL to send the person to.
    With `company` (an Organisation) the person donates as the company (payments.corporate: admins only)."""
    from payments.payouts import check_can_take_payments

    check_payments_configured()
    check_can_take_payments(listing)
    campaign = getattr(listing, "donation_campaign", None)
    check_campaign_open(campaign)
    signed_in = user is not None and user.is_authenticated
    payer = corporate.company_payer(user, company)
    check_open_checkouts(user)
    backing = Backing.objects.create(
        **payer,
        kind=Backing.Kind.DONATION,
        listing=listing,
        campaign=campaign,
        backer=user if signed_in else None,
        backer_email=user.email if signed_in else "",
        backer_name=name.strip(),
        anonymous=anonymous,
        amount_twd=amount_twd,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _log_checkout(backing, user if signed_in else None)
    return _open_checkout(
        backing,
        lambda: gateways.current().create_donation_checkout(
            backing,
            product_name=_("Donation to %(project)s") % {"project": listing.project.title},
            success_url=return_url_of(success_url, backing),
            cancel_url=return_url_of(cancel_url, backing),
            customer_email=backing.backer_email,
            language=backing.language,
        ),
    )


def check_delivery_address(plan, address):
    """A plan that ships goods takes no payment without the address to ship them to (payments.fulfilment)."""
    from payments import fulfilment

    if plan.ships_goods and not address:
        raise ActionRefused(
            _("This plan ships goods: give the delivery address before going on to payment. Nothing was charged."),
            code="no_address",
        )
    if address:
        fulfilment.check_address_allowed(plan, address)


def start_subscription(user, plan, *, anonymous, name, success_url, cancel_url, address=None, company=None):
    """Create the pending subscription (within the plan's cap), with its delivery address when the plan ships goods,
    and its Checkout Session; returns the Checkout URL. With `company` the person subscribes as the company."""
    from payments import fulfilment
    from payments.payouts import check_can_take_payments

    check_payments_configured()
    check_can_take_payments(plan.listing)
    payer = corporate.company_payer(user, company)
    check_not_subscribed_already(user, plan, company)
    check_open_checkouts(user)
    check_delivery_address(plan, address)
    with transaction.atomic():
        # The plan row is the lock that keeps two people from taking the last place at once.
        plan = (
            SubscriptionPlan.objects.select_for_update(of=("self",))
            .select_related("listing__project")
            .filter(pk=plan.pk)
            .first()
        )
        if plan is None or plan.listing_id is None:
            raise ActionRefused(_("This plan no longer exists."))
        if plan.max_backers and places_taken(plan) >= plan.max_backers:
            raise ActionRefused(
                _("This plan is full: it takes at most %(cap)s backers. Another plan may still have room.")
                % {"cap": plan.max_backers}
            )
        backing = Backing.objects.create(
            **payer,
            kind=Backing.Kind.SUBSCRIPTION,
            listing=plan.listing,
            plan=plan,
            backer=user,
            backer_email=user.email,
            backer_name=name.strip(),
            anonymous=anonymous,
            amount_twd=plan.price_twd,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        if plan.ships_goods:
            fulfilment.record_address(backing, address)
        _log_checkout(backing, user)
        if plan.max_backers:
            _place_taken(plan.listing.project_id)

    return _open_checkout(
        backing,
        lambda: gateways.current().create_subscription_checkout(
            backing,
            plan=plan,
            success_url=return_url_of(success_url, backing),
            cancel_url=return_url_of(cancel_url, backing),
            customer_email=user.email,
            language=backing.language,
        ),
    )


def _place_taken(project_id):
    """Once the place is taken (the checkout's transaction commits), the pages showing the plan's places show it."""
    from cms.page_cache import project_places_changed

    transaction.on_commit(lambda: project_places_changed([project_id]), robust=True)


def _open_checkout(backing, create_session):
    try:
        session_id, url = create_session()
    except stripe_api.StripeError:
        logger.exception("Stripe refused or failed to open Checkout for backing %s", backing.pk)
        Backing.objects.filter(pk=backing.pk, status=Backing.Status.PENDING).update(status=Backing.Status.EXPIRED)
        raise ActionRefused(
            _("The payment service could not be reached, so nothing was charged. Please try again in a moment."),
            code=ActionRefused.UNAVAILABLE,
        ) from None
    Backing.objects.filter(pk=backing.pk).update(stripe_checkout_session_id=session_id)
    return url


def sync_listing_plans(listing):
    """Mirror a listing's plans in Stripe; Stripe being down or unset only delays it (Checkout syncs lazily)."""
    if not stripe_api.is_configured():
        return {}
    try:
        return stripe_api.sync_plan_prices(listing.subscription_plans.all())
    except stripe_api.StripeError:
        logger.exception("could not sync the plans of listing %s with Stripe; Checkout will try again", listing.pk)
        return {}
