"""Refunds Homeward asks Stripe for: every payment of a failed all-or-nothing campaign, and staff refunds.

We only request refunds and record the request (RefundRequest). The ledger's
refund entries come from Stripe's charge.refunded event, like every other
movement of money. Each request carries an idempotency key that is unique in
our table and sent to Stripe, so a rerun refunds nothing twice.
"""

import logging
from dataclasses import dataclass, field

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actions import ActionRefused
from core.audit import Action, log
from core.languages import page_titles_by_language
from marketplace.models import DonationCampaign
from notifications.messages import Message
from payments import ledger, stripe_api
from payments.models import LedgerEntry, RefundRequest

logger = logging.getLogger(__name__)


class RefundFailed(ActionRefused):
    """Stripe refused or did not answer; the request is kept and a rerun tries again with the same key."""


def refundable_twd(payment):
    """What is left of a payment after the refunds and lost disputes recorded against its backing."""
    taken_back = (
        LedgerEntry.objects.filter(
            backing=payment.backing_id,
            kind__in=(LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE),
        ).aggregate(total=Sum("amount_twd"))["total"]
        or 0
    )
    payments = (
        LedgerEntry.objects.filter(backing=payment.backing_id, kind=LedgerEntry.Kind.PAYMENT).aggregate(
            total=Sum("amount_twd")
        )["total"]
        or 0
    )
    return max(0, min(payment.amount_twd, payments + taken_back))


def _stripe_target(payment):
    """Which Stripe object to refund: the charge named by the ledger entry, else the backing's payment intent."""
    if payment.source_key.startswith("charge:"):
        return {"charge": payment.source_key.removeprefix("charge:")}
    if payment.backing and payment.backing.stripe_payment_intent_id:
        return {"payment_intent": payment.backing.stripe_payment_intent_id}
    raise RefundFailed(_("This payment has no Stripe charge to refund."), code="no_charge")


def request_refund(payment, *, origin, idempotency_key, reason, amount_twd=None, actor=None):
    """Ask Stripe to refund `payment` (a LedgerEntry of kind payment) once for this key; returns the RefundRequest.

    A key already used returns its earlier request without asking Stripe again when Stripe had answered;
    a request Stripe had not answered is sent again with the same key (Stripe then answers as the first time).
    """
    if payment.kind != LedgerEntry.Kind.PAYMENT or payment.backing_id is None:
        raise RefundFailed(_("Only a backer's payment can be refunded."), code="not_payment")
    target = _stripe_target(payment)
    if amount_twd is not None:
        remaining = refundable_twd(payment)
        if amount_twd <= 0:
            raise RefundFailed(_("A refund is a positive amount. Nothing was refunded."), code="amount")
        if amount_twd > remaining and not RefundRequest.objects.filter(idempotency_key=idempotency_key).exists():
            raise RefundFailed(
                _(
                    "The refund (NT$%(amount)s) is larger than what remains of this payment (NT$%(remaining)s). "
                    "Nothing was refunded."
                )
                % {"amount": f"{amount_twd:,}", "remaining": f"{remaining:,}"},
                code="over_remaining",
            )
    try:
        with transaction.atomic():
            refund_request, _created = RefundRequest.objects.get_or_create(
                idempotency_key=idempotency_key,
                defaults={
                    "backing_id": payment.backing_id,
                    "payment": payment,
                    "origin": origin,
                    "amount_twd": amount_twd,
                    "reason": reason,
                    "requested_by": actor,
                },
            )
    except IntegrityError:
        refund_request = RefundRequest.objects.get(idempotency_key=idempotency_key)
    if refund_request.stripe_refund_id:
        return refund_request
    try:
        refund = stripe_api.create_refund(
            **target,
            amount_twd=amount_twd,
            idempotency_key=idempotency_key,
            metadata={"homeward_refund_request": str(refund_request.pk), "homeward_origin": origin},
            # A destination charge: the team's Stripe account gives back the refunded share, Homeward its fee.
            reverse_transfer=bool(payment.backing.connect_account_id),
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused refund %s: %s", idempotency_key, error)
        raise RefundFailed(
            _("Stripe could not make the refund just now (%(reason)s). Nothing was refunded; try again.")
            % {"reason": error.user_message or type(error).__name__},
            code="stripe",
        ) from error
    refund_request.stripe_refund_id = refund["id"]
    refund_request.stripe_status = refund["status"] or ""
    refund_request.save(update_fields=["stripe_refund_id", "stripe_status"])
    log(
        Action.PAYMENT_REFUND_REQUESTED,
        actor=actor,
        organisation=payment.backing.recipient_organisation,
        payment=payment.source_key,
        amount_twd=amount_twd,
        origin=origin,
        refund=refund_request.stripe_refund_id,
    )
    return refund_request


# --- all-or-nothing campaigns -------------------------------------------------------


@dataclass
class SettleRun:
    succeeded: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    ended: list = field(default_factory=list)
    refunds_requested: int = 0
    refund_errors: list = field(default_factory=list)


def campaign_payments(campaign):
    return LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT, backing__campaign=campaign).select_related(
        "backing", "listing__enterprise__organisation"
    )


def due_campaigns(today):
    """Campaigns whose deadline has passed and that are not settled yet (or are still refunding)."""
    return (
        DonationCampaign.objects.filter(listing__isnull=False, deadline__lt=today)
        .filter(outcome__in=(DonationCampaign.Outcome.OPEN, DonationCampaign.Outcome.REFUNDING))
        .select_related("listing__project", "listing__enterprise__organisation")
        .order_by("deadline", "pk")
    )


def settle_campaigns(today=None, dry_run=False, progress=None):
    """Run daily: mark each campaign past its deadline succeeded, ended, or failed and refund every payment."""
    today = today or timezone.localdate()
    say = progress or (lambda line: None)
    run = SettleRun()
    for campaign in due_campaigns(today):
        raised = ledger.totals_for_project(campaign.listing.project_id).raised_twd
        label = f"campaign {campaign.pk} ({campaign.listing.project.title}): NT${raised:,} of NT${campaign.goal_twd:,}"
        if campaign.outcome == DonationCampaign.Outcome.OPEN and raised >= campaign.goal_twd:
            say(f"{label} — goal reached{' (dry run)' if dry_run else ''}")
            run.succeeded.append(campaign.pk)
            if not dry_run:
                _close(campaign, DonationCampaign.Outcome.SUCCEEDED, raised)
            continue
        if campaign.funding_model != DonationCampaign.Model.ALL_OR_NOTHING:
            say(f"{label} — ended, keeps what it raised{' (dry run)' if dry_run else ''}")
            run.ended.append(campaign.pk)
            if not dry_run:
                _close(campaign, DonationCampaign.Outcome.ENDED, raised)
            continue
        payments = list(campaign_payments(campaign))
        say(f"{label} — goal missed: refunding {len(payments)} payment(s){' (dry run)' if dry_run else ''}")
        run.failed.append(campaign.pk)
        if dry_run:
            continue
        if campaign.outcome == DonationCampaign.Outcome.OPEN:
            _close(campaign, DonationCampaign.Outcome.REFUNDING, raised)
        for number, payment in enumerate(payments, start=1):
            try:
                request = request_refund(
                    payment,
                    origin=RefundRequest.Origin.CAMPAIGN_FAILED,
                    idempotency_key=f"campaign-{campaign.pk}-refund-{payment.source_key}",
                    reason=f"All-or-nothing campaign {campaign.pk} missed its goal",
                )
            except RefundFailed as error:
                run.refund_errors.append(payment.source_key)
                say(f"    [{number}/{len(payments)}] {payment.source_key}: failed — {error.message}")
                continue
            run.refunds_requested += 1
            say(f"    [{number}/{len(payments)}] {payment.source_key}: refund {request.stripe_refund_id}")
    return run


@transaction.atomic
def _close(campaign, outcome, raised):
    """Record the outcome once (the row is locked: two runs at once tell people once), then tell everyone."""
    locked = DonationCampaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.outcome != DonationCampaign.Outcome.OPEN:
        return
    locked.outcome = outcome
    locked.settled_at = timezone.now()
    locked.save(update_fields=["outcome", "settled_at"])
    campaign.outcome, campaign.settled_at = locked.outcome, locked.settled_at
    log(
        Action.CAMPAIGN_SETTLED,
        organisation=campaign.listing.enterprise.organisation,
        campaign=campaign.pk,
        outcome=outcome,
        raised_twd=raised,
    )
    _tell_everyone(campaign, raised)


def _messages(campaign, raised):
    """(title, body) for the campaign's outcome, kept as Messages: each person reads them in their language."""
    values = {
        "project": Message.named(page_titles_by_language(campaign.listing.project)),
        "raised": f"NT${raised:,}",
        "goal": f"NT${campaign.goal_twd:,}",
    }
    if campaign.outcome == DonationCampaign.Outcome.REFUNDING:
        return (
            Message(gettext_noop("“%(project)s” did not reach its goal: every donation is refunded"), **values),
            Message(
                gettext_noop(
                    "The campaign raised %(raised)s of its %(goal)s goal by the deadline. It was all or nothing, "
                    "so every donation is being refunded in full to the card that paid it; this can take 5 to 10 "
                    "days."
                ),
                **values,
            ),
        )
    if campaign.outcome == DonationCampaign.Outcome.SUCCEEDED:
        return (
            Message(gettext_noop("“%(project)s” reached its goal"), **values),
            Message(
                gettext_noop("The campaign raised %(raised)s of its %(goal)s goal. Thank you for your support."),
                **values,
            ),
        )
    return (
        Message(gettext_noop("The campaign of “%(project)s” has ended"), **values),
        Message(
            gettext_noop("The campaign raised %(raised)s of its %(goal)s goal; the team keeps what was raised."),
            **values,
        ),
    )


def _tell_everyone(campaign, raised):
    from notifications.actions import in_language_of, notify
    from notifications.models import Notification

    url = campaign.listing.project.url or ""
    people, guests = {}, {}
    for payment in campaign_payments(campaign):
        backing = payment.backing
        if backing.backer_id:
            people[backing.backer_id] = backing.backer
        elif backing.backer_email:
            guests.setdefault(backing.backer_email.lower(), backing.language or settings.LANGUAGE_CODE)
    for member in campaign.listing.enterprise.organisation.members.all():
        people.setdefault(member.pk, member)
    for person in people.values():
        with in_language_of(person):
            title, body = _messages(campaign, raised)
            notify(person, Notification.Kind.CAMPAIGN_RESULT, title, body=body, url=url)
    # Guests have no account to notify: they are told by email, in the language they backed in.
    title_message, body_message = _messages(campaign, raised)
    for email, language in sorted(guests.items()):
        with translation.override(language):
            title, body = str(title_message), str(body_message)
        transaction.on_commit(
            lambda email=email, title=title, body=body: send_mail(
                title, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True
            )
        )
