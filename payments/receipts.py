"""Receipts: a gap-free number per year on each payment's ledger entry, emailed once after the payment commits."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

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


def send_receipt_after_commit(entry):
    transaction.on_commit(lambda: email_receipt.enqueue(entry.pk))


@task()
def email_receipt(entry_id):
    """Email one payment's receipt in the backer's language; run twice, it still sends once."""
    with transaction.atomic():
        entry = (
            LedgerEntry.objects.select_for_update(of=("self",))
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
            subject = render_to_string("payments/email/receipt_subject.txt", context).strip()
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
