"""The ledger for staff: filtered by date range, project, team and kind, as CSV (streamed) or XLSX; and its
reconciliation with Stripe's balance transactions (a report of differences).

Reconciliation matches each of Stripe's balance transactions of a kind the ledger records to the ledger entry that
names the same Stripe object — the entry's source key (pi_, in_, ch_, re_, du_, tr_, trr_, fee_, fr_) or the
payment intent it stored — and compares amounts in whole NT$ (Stripe's sign is the ledger's for every kind: a
charge is money in, a refund, a transfer or a lost dispute money out, a transfer reversal or an application fee
money back in). What is left over on either side, and every pair whose amounts differ, is a difference. Payouts
staff record by hand are not Stripe objects and are left out; so are Stripe's own payouts to Homeward's bank and
its fees (the ledger keeps neither).
"""

import datetime
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.spreadsheets import spreadsheet_safe
from payments import stripe_api
from payments.models import LedgerEntry
from payments.money import CURRENCY, STRIPE_MINOR_UNITS_PER_DOLLAR

# At most this many days in one reconciliation (one Stripe listing, page by page); exports have no limit.
MAX_RECONCILE_DAYS = 92


def check_range(date_from, date_to, max_days=None):
    if date_from > date_to:
        raise ActionRefused(
            _("The start date (%(start)s) is after the end date (%(end)s): choose a start on or before the end.")
            % {"start": date_from.isoformat(), "end": date_to.isoformat()},
            code="inverted_range",
        )
    if max_days is not None and (date_to - date_from).days + 1 > max_days:
        raise ActionRefused(
            _("Reconcile at most %(days)s days at a time.") % {"days": max_days},
            code="range_too_long",
        )


def _bounds(date_from, date_to):
    """[start of date_from, start of the day after date_to) in Taiwan time."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def ledger_entries(date_from, date_to, *, listing=None, enterprise=None, kind=""):
    """The filtered ledger, oldest first (dates inclusive, Taiwan time)."""
    check_range(date_from, date_to)
    start, end = _bounds(date_from, date_to)
    entries = LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if listing is not None:
        entries = entries.filter(listing=listing)
    if enterprise is not None:
        entries = entries.filter(listing__enterprise=enterprise)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("listing__project", "listing__enterprise__organisation", "backing__payee").order_by(
        "occurred_at", "pk"
    )


def header():
    return [
        _("date and time"),
        _("kind"),
        _("project"),
        _("team"),
        _("backing"),
        _("amount (NT$)"),
        _("platform fee (NT$)"),
        _("source"),
        _("Stripe charge"),
        _("receipt number"),
        _("note"),
    ]


def row(entry):
    return [
        timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
        entry.get_kind_display(),
        # A purchase (payments.purchases) has no project: its seller is named instead, with its purpose.
        entry.listing.project.title if entry.listing_id else (entry.backing.purpose if entry.backing_id else ""),
        entry.listing.enterprise.organisation.name if entry.listing_id else entry.backing.payee.name,
        entry.backing_id or "",
        entry.amount_twd,
        entry.platform_fee_twd,
        entry.source_key,
        entry.stripe_charge_id,
        entry.receipt_number or "",
        entry.note,
    ]


def rows(entries, chunk_size=2000):
    """The header, then one row per entry, read from the database chunk by chunk (a year's ledger never sits in
    memory at once)."""
    yield header()
    for entry in entries.iterator(chunk_size=chunk_size):
        yield row(entry)


def write_xlsx(entries):
    """The entries as an XLSX workbook (openpyxl's write-only mode: rows go to disk as they are written); returns a
    temporary file positioned at its start."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Ledger")[:31])
    for number, values in enumerate(rows(entries)):
        if number == 0:
            sheet.append(values)
            continue
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text typed as a formula stays text
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    workbook.save(output)
    output.seek(0)
    return output


def csv_cells(values):
    return [spreadsheet_safe(value) for value in values]


# --- reconciliation with Stripe's balance transactions ---------------------------------------------------------

# Balance transaction types the ledger records; Stripe's others (payouts to Homeward's bank, Stripe's fees,
# taxes, top-ups) are counted, never matched.
TRACKED_TYPES = {
    "charge",
    "payment",
    "refund",
    "payment_refund",
    "adjustment",  # a dispute
    "transfer",
    "transfer_refund",  # a transfer reversal
    "application_fee",
    "application_fee_refund",
}


@dataclass(frozen=True)
class Difference:
    STRIPE_ONLY = "stripe_only"
    LEDGER_ONLY = "ledger_only"
    AMOUNT = "amount"

    problem: str
    reference: str
    stripe_type: str = ""
    stripe_ids: tuple = ()
    stripe_amount: str = ""  # as Stripe states it (with its currency when not NT$)
    ledger_amount_twd: int | None = None
    entry: LedgerEntry | None = None
    when: datetime.datetime | None = None

    @property
    def label(self):
        return {
            self.STRIPE_ONLY: _("in Stripe, not in the ledger"),
            self.LEDGER_ONLY: _("in the ledger, not in Stripe"),
            self.AMOUNT: _("amounts differ"),
        }[self.problem]


@dataclass
class Reconciliation:
    matched: int = 0
    untracked: int = 0  # Stripe's payouts, fees and the like
    stripe_count: int = 0
    ledger_count: int = 0
    differences: list = field(default_factory=list)

    @property
    def balanced(self):
        return not self.differences


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def entry_keys(entry):
    """The Stripe ids a ledger entry stands for: its source key's id, and the payment intent it noted."""
    keys = set()
    prefix, _sep, tail = entry.source_key.partition(":")
    if tail and prefix != "payout":
        keys.add(tail)
    if entry.stripe_payment_intent_id:
        keys.add(entry.stripe_payment_intent_id)
    return keys


def transaction_keys(transaction):
    """The Stripe ids a balance transaction may match: its source's id and, for an expanded charge, its payment
    intent (Checkout and invoices record a payment by its payment intent)."""
    source = _get(transaction, "source")
    if source is None:
        return []
    if isinstance(source, str):
        return [source]
    keys = [_get(source, "id")]
    payment_intent = _get(source, "payment_intent")
    if payment_intent:
        keys.append(payment_intent if isinstance(payment_intent, str) else _get(payment_intent, "id"))
    return [key for key in keys if key]


def _stripe_label(amount, currency):
    if currency == CURRENCY:
        return f"NT${amount // STRIPE_MINOR_UNITS_PER_DOLLAR:,}"
    return f"{amount / 100:,.2f} {currency.upper()}"


def reconcile(entries, transactions):
    """Compare ledger entries with Stripe balance transactions (any iterables); returns a Reconciliation."""
    report = Reconciliation()
    entries = [entry for entry in entries if entry.kind != LedgerEntry.Kind.PAYOUT]
    report.ledger_count = len(entries)
    index = {}
    for entry in entries:
        for key in entry_keys(entry):
            index.setdefault(key, entry)
    matched = defaultdict(list)  # entry pk → its balance transactions
    for transaction in transactions:
        report.stripe_count += 1
        kind = _get(transaction, "type", "")
        if kind not in TRACKED_TYPES:
            report.untracked += 1
            continue
        amount = int(_get(transaction, "amount", 0) or 0)
        currency = _get(transaction, "currency", "") or ""
        keys = transaction_keys(transaction)
        entry = next((index[key] for key in keys if key in index), None)
        if entry is None or currency != CURRENCY:
            created = _get(transaction, "created")
            report.differences.append(
                Difference(
                    problem=Difference.STRIPE_ONLY,
                    reference=keys[0] if keys else _get(transaction, "id", ""),
                    stripe_type=kind,
                    stripe_ids=(_get(transaction, "id", ""),),
                    stripe_amount=_stripe_label(amount, currency),
                    when=datetime.datetime.fromtimestamp(created, tz=datetime.UTC) if created else None,
                )
            )
            continue
        matched[entry.pk].append((transaction, amount, kind))
    for entry in entries:
        found = matched.get(entry.pk)
        if not found:
            report.differences.append(
                Difference(
                    problem=Difference.LEDGER_ONLY,
                    reference=entry.source_key,
                    ledger_amount_twd=entry.amount_twd,
                    entry=entry,
                    when=entry.occurred_at,
                )
            )
            continue
        stripe_total = sum(amount for _transaction, amount, _kind in found)
        if stripe_total != entry.amount_twd * STRIPE_MINOR_UNITS_PER_DOLLAR:
            report.differences.append(
                Difference(
                    problem=Difference.AMOUNT,
                    reference=entry.source_key,
                    stripe_type=found[0][2],
                    stripe_ids=tuple(_get(transaction, "id", "") for transaction, _amount, _kind in found),
                    stripe_amount=_stripe_label(stripe_total, CURRENCY),
                    ledger_amount_twd=entry.amount_twd,
                    entry=entry,
                    when=entry.occurred_at,
                )
            )
        else:
            report.matched += 1
    report.differences.sort(key=lambda difference: (difference.when is None, difference.when or 0))
    return report


def reconcile_range(date_from, date_to):
    """Reconcile the ledger of these days (Taiwan time, inclusive) with Stripe's balance transactions created in
    them; raises stripe_api.StripeError when Stripe cannot be read."""
    check_range(date_from, date_to, MAX_RECONCILE_DAYS)
    start, end = _bounds(date_from, date_to)
    entries = LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end).filter(
        ~Q(kind=LedgerEntry.Kind.PAYOUT)
    )
    return reconcile(entries.select_related("listing__project"), stripe_api.balance_transactions(start, end))
