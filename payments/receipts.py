"""Receipts: a gap-free number per year on each payment's ledger entry, emailed once after the payment commits.

A worker emails them. At volume, payments do not each enqueue a task: a web process that commits a payment enqueues
a sweep due SWEEP_DELAY_SECONDS later, and the payments it commits within the next SWEEP_SHARED_SECONDS rely on that
sweep, which reads the ledger after they committed (the margin between the two is for a worker whose clock runs
ahead). A process enqueues at most one sweep per SWEEP_SHARED_SECONDS, whatever the payments per second. The sweep
sends every receipt not sent yet, each under its entry's lock (two sweeps never send one twice). The scheduler runs
the same sweep every few minutes: it sends what a crash between the commit and the enqueue, or a mail server that
refused, left unsent (a receipt that failed waits RETRY_FAILED_AFTER before it is tried again, and one not sent
within UNSENT_RECEIPTS_WINDOW is left to the staff). Without a task queue that can defer (the tests' immediate
backend) each payment's receipt is sent by itself, at once.
"""

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from core.mail import subject_line
from payments.models import LedgerEntry, ReceiptSequence

logger = logging.getLogger(__name__)


def next_receipt_number(year):
    """The next number of `year` ("HW-2026-000042"); call inside the transaction that writes the entry.

    One statement: it makes the year's row if needed and bumps it, keeping the row locked until the transaction
    ends (a rolled-back payment gives its number back; concurrent payments take numbers one after the other).
    """
    quote = connection.ops.quote_name
    table = quote(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) ON CONFLICT (year) "  # noqa: S608
            f"DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"HW-{year}-{number:06d}"


def receipt_language(backing):
    if backing.backer_id and backing.backer.preferred_language:
        return backing.backer.preferred_language
    return backing.language or settings.LANGUAGE_CODE


def receipt_recipient(backing):
    return (backing.backer.email if backing.backer_id else "") or backing.backer_email


# How long after its payment a receipt is still sent by the sweep.
UNSENT_RECEIPTS_WINDOW = datetime.timedelta(days=2)
# A receipt whose sending failed (the mail server refused it) is not tried again for this long.
RETRY_FAILED_AFTER = datetime.timedelta(minutes=5)
RECEIPTS_PER_SWEEP = 200
SWEEP_DELAY_SECONDS = 2.0
SWEEP_SHARED_SECONDS = 1.0


class _SweepEnqueuedHere:
    """When the sweep this process enqueued last starts at the earliest (time.time())."""

    starts = 0.0


def forget_sweep_enqueued_here():
    """For tests, which empty the task queue between them."""
    _SweepEnqueuedHere.starts = 0.0


def _failed_key(entry_id):
    return f"payments:receipt-failed:{entry_id}"


def send_receipt_after_commit(entry):
    transaction.on_commit(lambda: receipts_due(entry.pk), robust=True)


def receipts_due(entry_id):
    """A payment committed: its receipt is sent by the sweep this process enqueued a moment ago, or by one
    enqueued now."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        email_receipt.enqueue(entry_id)
        return
    now = time.time()
    if now < _SweepEnqueuedHere.starts - (SWEEP_DELAY_SECONDS - SWEEP_SHARED_SECONDS):
        return
    starts = now + SWEEP_DELAY_SECONDS
    send_due_receipts.using(run_after=datetime.datetime.fromtimestamp(starts, tz=datetime.UTC)).enqueue()
    _SweepEnqueuedHere.starts = starts


def unsent_receipts(now=None):
    """The payments' entries whose receipt is still to be emailed (with an address to send it to), oldest first."""
    since = (now or timezone.now()) - UNSENT_RECEIPTS_WINDOW
    return (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT,
            receipt_sent_at__isnull=True,
            receipt_number__isnull=False,
            created__gte=since,
        )
        .filter(Q(backing__backer_email__gt="") | Q(backing__backer__email__gt=""))
        .order_by("pk")
    )


@task()
def send_due_receipts():
    """Email every receipt not sent yet (see the module's docstring); returns what it did."""
    # Read past the receipts waiting after a failure, so that many of them never hold the others back.
    unsent = list(unsent_receipts().values_list("pk", flat=True)[: RECEIPTS_PER_SWEEP * 5])
    try:
        failed_lately = cache.get_many([_failed_key(entry_id) for entry_id in unsent])
    except Exception:
        failed_lately = {}
    ready = [entry_id for entry_id in unsent if _failed_key(entry_id) not in failed_lately]
    ids, waiting = ready[:RECEIPTS_PER_SWEEP], len(unsent) - len(ready)
    sent = failed = 0
    for entry_id in ids:
        try:
            sent += bool(send_receipt(entry_id, skip_locked=True))
        except Exception:
            failed += 1
            logger.exception("Could not email the receipt of ledger entry %s", entry_id)
            try:
                cache.set(_failed_key(entry_id), 1, timeout=int(RETRY_FAILED_AFTER.total_seconds()))
            except Exception:
                logger.warning("Could not note the failed receipt %s", entry_id, exc_info=True)
    if len(ids) == RECEIPTS_PER_SWEEP and sent:
        send_due_receipts.enqueue()  # more wait: the next sweep takes them
    return {"sent": sent, "failed": failed, "waiting": waiting}


@task()
def email_receipt(entry_id):
    """Email one payment's receipt in the backer's language; run twice, it still sends once."""
    return send_receipt(entry_id)


def send_receipt(entry_id, *, skip_locked=False):
    """Email the entry's receipt unless it was sent; True when this call sent it. With `skip_locked`, nothing when
    another sweep is sending it now."""
    with transaction.atomic():
        entry = (
            LedgerEntry.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related(
                "backing__backer", "backing__payee", "listing__project", "listing__enterprise__organisation"
            )
            .filter(pk=entry_id, kind=LedgerEntry.Kind.PAYMENT, receipt_sent_at__isnull=True)
            .exclude(receipt_number=None)
            .first()
        )
        if entry is None or entry.backing is None:
            return False
        recipient = receipt_recipient(entry.backing)
        if not recipient:
            logger.warning("no address for the receipt of ledger entry %s", entry.pk)
            return False
        with translation.override(receipt_language(entry.backing)):
            context = receipt_context(entry)
            context["url"] = settings.SITE_BASE_URL.rstrip("/") + reverse("payments:receipt", kwargs={"pk": entry.pk})
            subject = subject_line("payments/email/receipt_subject.txt", context)
            body = render_to_string("payments/email/receipt_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        entry.receipt_sent_at = timezone.now()
        entry.save(update_fields=["receipt_sent_at"])
        return True


def payer_label(backing):
    """The payer's name on a receipt, or 「匿名」/"anonymous" in the active language."""
    from django.utils.translation import gettext as _

    if backing.payer_company_name:  # paid as a company: the receipt is made out to it (anonymity is towards the team)
        return backing.payer_company_name
    if backing.anonymous:
        return _("anonymous")
    if backing.backer_name:
        return backing.backer_name
    if backing.backer_id and backing.backer.display_name:
        return backing.backer.display_name
    return backing.backer_email or _("anonymous")


def receipt_context(entry):
    """What a receipt says, in the active language: the project's title is its translation's, when written (the
    email is rendered in the backer's language)."""
    from cms.public import in_active_language

    backing = entry.backing
    if entry.listing_id is None:
        # A purchase (payments.purchases): the seller is named, what was bought is the purpose; no tax claim.
        return {
            "entry": entry,
            "backing": backing,
            "project": None,
            "payer": payer_label(backing),
            "payer_business_number": backing.payer_unified_business_number,
            "amount": f"NT${entry.amount_twd:,}",
            "recipient": backing.payee.name,
            "registered_charity": False,
            "charity_registration_number": "",
            "is_donation": False,
            "purpose": purpose_of(backing, None),
        }
    [project] = in_active_language([entry.listing.project])
    enterprise = entry.listing.enterprise
    return {
        "entry": entry,
        "backing": backing,
        "project": project,
        "payer": payer_label(backing),
        "payer_business_number": backing.payer_unified_business_number if backing else "",
        "amount": f"NT${entry.amount_twd:,}",
        # What a donor in Taiwan files: the receiving organisation and its registration, or that none is implied.
        "recipient": enterprise.organisation.name,
        "registered_charity": enterprise.registered_charity,
        "charity_registration_number": enterprise.charity_registration_number,
        "is_donation": backing is not None and backing.kind == backing.Kind.DONATION,
        "purpose": purpose_of(backing, project),
    }


def purpose_of(backing, project):
    """The purpose a receipt states: a donation to the project, or a subscription to its plan."""
    from django.utils.translation import gettext as _

    from payments import purchases

    if backing is None:
        return project.title
    purchase = purchases.purpose_of(backing)
    if purchase is not None:
        return purchase.describe(backing)
    if backing.kind == backing.Kind.PURCHASE:
        return _("Purchase from %(seller)s") % {"seller": backing.payee.name}
    if backing.kind == backing.Kind.INVESTMENT:
        interest = backing.interest
        return _("Payment of the investment commitment of %(company)s to %(project)s (%(instrument)s)") % {
            "company": backing.payer_company_name,
            "project": project.title,
            "instrument": interest.get_committed_instrument_display() if interest else "",
        }
    if backing.plan_id:
        return _("Subscription to %(plan)s of %(project)s") % {
            "plan": backing.plan.shown_name,
            "project": project.title,
        }
    return _("Donation to %(project)s") % {"project": project.title}
