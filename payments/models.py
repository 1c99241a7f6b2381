"""What Stripe told us: every webhook event, stored raw before it is processed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StripeEvent(models.Model):
    # Money rows link to nothing a page editor changes: Wagtail's reference index would only queue a task per save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (no handler)")
        FAILED = "failed", _("Failed")

    # Stripe's event id is the idempotency key: a repeated delivery finds this row.
    stripe_id = models.CharField(_("Stripe event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    livemode = models.BooleanField(_("live mode"), default=False)
    api_version = models.CharField(_("API version"), max_length=40, blank=True)
    stripe_created = models.DateTimeField(_("created at Stripe"), null=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"

    @property
    def data_object(self):
        return self.payload.get("data", {}).get("object", {})


class Backing(models.Model):
    """One backer's support of one project: a one-off donation or a subscription to a plan.

    A backing is created when Checkout starts (pending) and moved on only by Stripe's
    events; the money itself is in LedgerEntry rows, never in this row's fields.
    """

    # Money rows link to nothing a page editor changes: Wagtail's reference index would only queue a task per save.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        SUBSCRIPTION = "subscription", _("Subscription")
        # A company paying its confirmed investment commitment to a project (payments.corporate).
        INVESTMENT = "investment", _("Investment commitment")
        # Something bought from an organisation, for a purpose an app above payments registered
        # (payments.purchases: e.g. a place on an experience's time slot). No project: `payee` is the seller.
        PURCHASE = "purchase", _("Purchase")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", pgettext_lazy("payment status", "Paid")  # a donation whose payment succeeded
        ACTIVE = "active", _("Active")  # a subscription that bills
        PAUSED = "paused", _("Paused")
        PAST_DUE = "past_due", _("Payment failed")
        CANCELED = "canceled", _("Canceled")
        REFUNDED = "refunded", _("Refunded")
        EXPIRED = "expired", _("Not completed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    listing = models.ForeignKey(
        "marketplace.ProjectListing",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backings",
        verbose_name=_("project"),
    )
    # A purchase (kind purchase): the organisation paid (named on the receipt), the purpose an app registered with
    # payments.purchases.register_purpose and that app's reference (e.g. "experiences.booking" and a booking's id).
    payee = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases_received",
        verbose_name=_("paid to"),
    )
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    # An investment payment (kind investment): the commitment both sides confirmed that it pays.
    interest = models.ForeignKey(
        "marketplace.Interest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("investment commitment"),
    )
    backer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backings",
        verbose_name=_("backer"),
    )
    backer_email = models.EmailField(_("backer's email"), blank=True)
    backer_name = models.CharField(_("backer's name"), max_length=150, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False, help_text=_("Hide the backer's name from the team."))
    plan = models.ForeignKey(
        "marketplace.SubscriptionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backings",
        verbose_name=_("plan"),
    )
    campaign = models.ForeignKey(
        "marketplace.DonationCampaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backings",
        verbose_name=_("donation campaign"),
    )
    # Corporate giving (payments.corporate): a company admin pays as the company. The company's name and 統一編號
    # are copied at checkout, so a receipt keeps saying what it said when the company renames or leaves.
    paying_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backings_paid",
        limit_choices_to={"kind": "company"},
        verbose_name=_("paid as the company"),
    )
    payer_company_name = models.CharField(_("company on the receipt"), max_length=200, blank=True)
    payer_unified_business_number = models.CharField(_("unified business number (統一編號)"), max_length=8, blank=True)
    # What was asked for at checkout (a donation's amount, a plan's price then); paid money is in the ledger.
    amount_twd = models.PositiveIntegerField(_("amount (NT$)"))
    stripe_checkout_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, verbose_name=_("Stripe Checkout session ID")
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True, verbose_name=_("Stripe customer ID"))
    stripe_subscription_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, verbose_name=_("Stripe subscription ID")
    )
    stripe_payment_intent_id = models.CharField(
        max_length=255, blank=True, db_index=True, verbose_name=_("Stripe PaymentIntent ID")
    )
    # The team's Stripe Connect account the payment was routed to (a destination charge), or "" when Homeward's own
    # account collected it: a refund of a routed payment reverses the transfer and the application fee with it.
    connect_account_id = models.CharField(_("Stripe Connect account"), max_length=255, blank=True)
    current_period_end = models.DateTimeField(_("next charge"), null=True, blank=True)
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("ends at the end of the period"), default=False)
    # When, at Stripe, the subscription state kept here was true (the event's or the invoice's own time): Stripe may
    # deliver events in any order, and an older one never moves the state back (payments.handlers).
    stripe_state_at = models.DateTimeField(_("Stripe state as of"), null=True, blank=True)
    # The language the backer used at checkout: receipts to guests are written in it.
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    # Who paused collection: the backer on the manage page, or the season of a seasonal plan.
    pause_reason = models.CharField(
        _("paused by"),
        max_length=10,
        blank=True,
        choices=[("backer", _("The backer")), ("season", _("The plan's season"))],
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("backing")
        verbose_name_plural = _("backings")
        indexes = [models.Index(fields=["listing", "status"]), models.Index(fields=["backer", "-created"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_twd__gt=0), name="backing_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["donation", "investment", "purchase"], plan__isnull=True)
                | models.Q(kind="subscription", plan__isnull=False),
                name="backing_subscription_has_plan",
            ),
            # A project's backing names its project; a purchase names its seller and purpose instead.
            models.CheckConstraint(
                condition=models.Q(kind="purchase", listing__isnull=True, payee__isnull=False) & ~models.Q(purpose="")
                | (~models.Q(kind="purchase") & models.Q(listing__isnull=False)),
                name="backing_project_or_purchase",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="investment", interest__isnull=False)
                | (~models.Q(kind="investment") & models.Q(interest__isnull=True)),
                name="backing_investment_has_commitment",
            ),
            # One paid payment per commitment: a second one is refused by the database too.
            models.UniqueConstraint(
                fields=["interest"], condition=models.Q(status="paid"), name="one_paid_payment_per_commitment"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} NT${self.amount_twd:,} → {self.listing_id or self.payee_id}"

    @property
    def recipient_organisation(self):
        """Who is paid: the project's team, or a purchase's seller."""
        if self.listing_id is not None:
            return self.listing.enterprise.organisation
        return self.payee

    @property
    def is_one_off(self):
        """Paid once through Checkout in payment mode (everything but a subscription)."""
        return self.kind != self.Kind.SUBSCRIPTION


class LedgerEntry(models.Model):
    """Money that moved, as Stripe reported it (or as staff recorded a payout).

    Every total Homeward shows is a sum of these rows. Amounts are whole NT$,
    signed from the project's point of view: a payment is positive, a refund,
    a lost dispute or a payout to the team negative. `source_key` names the
    Stripe object (or the manual payout) an entry comes from and is unique, so
    an event processed twice cannot record money twice.
    """

    # Money rows link to nothing a page editor changes: Wagtail's reference index would only queue a task per save.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        DISPUTE = "dispute", _("Dispute")
        PAYOUT = "payout", _("Payout to the team")
        # Stripe Connect (destination charges, payments.connect): the payment passed on to the team's Stripe
        # account (negative; a reversal positive), and the platform fee Stripe took back from it (positive; a fee
        # refund negative).
        TRANSFER = "transfer", _("Transfer to the team's Stripe account")
        APPLICATION_FEE = "app_fee", _("Platform fee collected by Stripe")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # None for a purchase's money (payments.purchases): it belongs to no project, and no project's totals count it.
    listing = models.ForeignKey(
        "marketplace.ProjectListing",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("project"),
    )
    backing = models.ForeignKey(
        Backing,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("backing"),
    )
    amount_twd = models.BigIntegerField(_("amount (NT$)"))
    platform_fee_twd = models.BigIntegerField(_("platform fee (NT$)"), default=0)
    source_key = models.CharField(_("source"), max_length=255, unique=True)
    # Stripe's own references, where the source key does not name them: the charge (a transfer's or an application
    # fee's source transaction) and the payment intent (an invoice's payment), for matching and reconciliation.
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True, verbose_name=_("Stripe charge ID"))
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, verbose_name=_("Stripe PaymentIntent ID"))
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True, null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt emailed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["listing", "occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
            # The receipts still to email (payments.receipts.send_due_receipts): a handful at any time.
            models.Index(
                fields=["created"],
                condition=models.Q(receipt_sent_at__isnull=True, receipt_number__isnull=False),
                name="ledger_receipt_unsent",
            ),
            # A refund or dispute naming no known backing is matched to its payment by the payment intent
            # (payments.handlers): only the entries that carry one are indexed.
            models.Index(
                fields=["stripe_payment_intent_id"],
                condition=~models.Q(stripe_payment_intent_id=""),
                name="ledger_payment_intent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} NT${self.amount_twd:,}"


class ProjectLedgerTotals(models.Model):
    """A project's ledger entries summed by kind, kept up to date in the transaction that writes each entry.

    Only `payments.ledger.write_entry` (and `write_entries`, `rebuild_totals`) change these rows, with
    one upsert per entry: reading a project's totals is one indexed row, however long its ledger. Every column
    equals the sum of the project's entries of that kind (`manage.py rebuild_ledger_totals` recomputes them).
    """

    wagtail_reference_index_ignore = True

    listing = models.OneToOneField(
        "marketplace.ProjectListing",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ledger_totals",
        verbose_name=_("project"),
    )
    payments_twd = models.BigIntegerField(default=0, verbose_name=_("payments (NT$)"))
    refunds_twd = models.BigIntegerField(default=0, verbose_name=_("refunds (NT$)"))  # negative, as the entries are
    disputes_twd = models.BigIntegerField(default=0, verbose_name=_("disputes (NT$)"))  # negative
    payouts_twd = models.BigIntegerField(default=0, verbose_name=_("payouts (NT$)"))  # negative
    transfers_twd = models.BigIntegerField(
        default=0, verbose_name=_("transfers (NT$)")
    )  # negative: passed on to the team's Stripe account
    application_fees_twd = models.BigIntegerField(
        default=0, verbose_name=_("application fees (NT$)")
    )  # positive: fees Stripe took back from transfers
    platform_fees_twd = models.BigIntegerField(
        default=0, verbose_name=_("platform fees (NT$)")
    )  # of every entry, signed as the entries are
    raising_entries = models.PositiveIntegerField(
        default=0, verbose_name=_("payment, refund and dispute entries")
    )  # payments, refunds and disputes

    def __str__(self):
        return f"{self.listing_id}: NT${self.raised_twd:,}"

    @property
    def raised_twd(self):
        return self.payments_twd + self.refunds_twd + self.disputes_twd


class BackingLedgerNet(models.Model):
    """A backing's payments, refunds and disputes summed (kept with ProjectLedgerTotals, by the same function).

    A backing whose net is above zero makes its person a backer; who that person is (account, email) is read
    from the backing when counting, so erasing or linking an account never leaves a stale count behind.
    """

    wagtail_reference_index_ignore = True

    backing = models.OneToOneField(
        Backing, primary_key=True, on_delete=models.CASCADE, related_name="ledger_net", verbose_name=_("backing")
    )
    listing = models.ForeignKey(
        "marketplace.ProjectListing", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    net_twd = models.BigIntegerField(default=0, verbose_name=_("net (NT$)"))

    class Meta:
        indexes = [models.Index(fields=["listing"], condition=models.Q(net_twd__gt=0), name="backing_net_positive_idx")]

    def __str__(self):
        return f"{self.backing_id}: NT${self.net_twd:,}"


class ReceiptSequence(models.Model):
    """The last receipt number given in a year: numbers run 1, 2, 3… per year without gaps.

    The row is locked and bumped in the same transaction that writes the payment's
    ledger entry, so a rolled-back payment gives its number back.
    """

    year = models.PositiveSmallIntegerField(primary_key=True, verbose_name=_("year"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last receipt number"))

    class Meta:
        verbose_name = _("receipt sequence")
        verbose_name_plural = _("receipt sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class RefundRequest(models.Model):
    """A refund Homeward asked Stripe for (a failed all-or-nothing campaign, or staff).

    The money moves in the ledger only when Stripe's charge.refunded event arrives;
    this row records the request. `idempotency_key` is sent to Stripe and is unique
    here, so asking twice for the same refund refunds nothing twice.
    """

    class Origin(models.TextChoices):
        CAMPAIGN_FAILED = "campaign", _("All-or-nothing campaign missed its goal")
        STAFF = "staff", _("Staff")
        # A purchase given up (payments.purchases.refund_purchase): the seller's rule decided the amount.
        PURCHASE = "purchase", _("Purchase cancelled")

    backing = models.ForeignKey(
        Backing, on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("backing")
    )
    payment = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("payment")
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    # None: the rest of the payment.
    amount_twd = models.PositiveIntegerField(_("amount (NT$)"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    idempotency_key = models.CharField(max_length=255, unique=True, verbose_name=_("idempotency key"))
    stripe_refund_id = models.CharField(max_length=255, blank=True, verbose_name=_("Stripe refund ID"))
    stripe_status = models.CharField(max_length=40, blank=True, verbose_name=_("status at Stripe"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")

    def __str__(self):
        amount = _("the rest") if self.amount_twd is None else f"NT${self.amount_twd:,}"
        return f"{amount} → {self.payment.source_key}"


class PayoutAccount(models.Model):
    """How an enterprise team receives the money it raised (see payments.payouts).

    platform_collected (the default): Homeward's Stripe account collects, the ledger holds the
    team's balance and staff record each payout. connect: a Stripe Connect Express account,
    for teams in a country where Stripe onboards connected accounts (not Taiwan today).
    """

    class Mode(models.TextChoices):
        PLATFORM_COLLECTED = "platform_collected", _("Collected by Homeward, paid out by staff")
        CONNECT = "connect", _("Stripe Connect (Express)")

    enterprise = models.OneToOneField(
        "marketplace.EnterpriseProfile",
        on_delete=models.CASCADE,
        related_name="payout_account",
        verbose_name=_("enterprise"),
    )
    mode = models.CharField(_("payout mode"), max_length=20, choices=Mode.choices, default=Mode.PLATFORM_COLLECTED)
    country = models.CharField(_("country of the account"), max_length=2, default="TW")
    stripe_account_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, verbose_name=_("Stripe account ID")
    )
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    charges_enabled = models.BooleanField(_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self):
        return f"{self.enterprise} · {self.get_mode_display()}"


class DeliveryAddress(models.Model):
    """Where a subscription's goods go (plans that ship goods): one address per backing, kept by its backer.

    Personal data (PDPA): the team sees it only on the fulfilment list of a period being shipped, it is part of the
    backer's data download, and it is erased DELIVERY_ADDRESS_RETENTION_DAYS after the subscription ends
    (payments/fulfilment.py) or when the account is deleted.
    """

    wagtail_reference_index_ignore = True

    class Destination(models.TextChoices):
        TAIWAN = "taiwan", _("Taiwan")
        OVERSEAS = "overseas", _("Outside Taiwan")

    backing = models.OneToOneField(
        Backing, on_delete=models.CASCADE, related_name="delivery_address", verbose_name=_("backing")
    )
    destination = models.CharField(
        _("destination"), max_length=10, choices=Destination.choices, default=Destination.TAIWAN
    )
    recipient_name = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    township = models.ForeignKey(
        "places.Township",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("township"),
    )
    postal_code = models.CharField(_("postal code"), max_length=12)
    street = models.CharField(_("street address"), max_length=200)
    # Outside Taiwan only: the country, and the city or region line.
    country = models.CharField(_("country"), max_length=60, blank=True)
    city = models.CharField(_("city and region"), max_length=100, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destination="overseas") | models.Q(township__isnull=False),
                name="delivery_address_taiwan_has_township",
            ),
        ]

    def __str__(self):
        return f"{self.recipient_name} ({self.postal_code})"

    @property
    def lines(self):
        """The address as it is written on a parcel: Taiwan's from the postal code down, others as abroad."""
        if self.destination == self.Destination.TAIWAN and self.township_id:
            township = self.township
            return [f"{self.postal_code} {township.county.name_zh}{township.name_zh}{self.street}"]
        return [self.street, f"{self.city} {self.postal_code}".strip(), self.country]


class Shipment(models.Model):
    """One period's goods sent to one backer, as the team marked it (the fulfilment list's "shipped")."""

    wagtail_reference_index_ignore = True

    backing = models.ForeignKey(Backing, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("backing"))
    period = models.DateField(_("month"), help_text=_("The first day of the month the goods are for."))
    plan = models.ForeignKey(
        "marketplace.SubscriptionPlan", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    shipped_at = models.DateTimeField(_("shipped"))
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shipped by"),
    )

    class Meta:
        ordering = ["-period", "pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [models.UniqueConstraint(fields=["backing", "period"], name="shipment_once_per_period")]

    def __str__(self):
        return f"{self.backing_id} {self.period:%Y-%m}"
