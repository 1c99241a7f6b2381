"""The payments screens of the Wagtail admin: the ledger (read-only; a payment's page offers a refund, and staff
record manual payouts there), the backings the entries belong to (read-only) and Stripe's events."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_columns import money
from core.admin_inspect import ReadableInspectView
from core.admin_viewsets import RecordViewSet
from payments import queries
from payments.admin_views import ledger_export, ledger_reconcile, record_payout, refund_payment
from payments.ledger_labels import backer_for_staff, backing_purpose, ledger_entry_purpose
from payments.models import Backing, LedgerEntry, StripeEvent

# Stripe events are a record of what Stripe said: staff may look, nobody may edit.
register_permission_policy(StripeEvent, ReadOnlyPermissionPolicy(StripeEvent))
# A backing moves only with Stripe's events (payments.handlers) and its backer's own steps (payments.subscriptions).
register_permission_policy(Backing, ReadOnlyPermissionPolicy(Backing))


class StripeEventViewSet(ModelViewSet):
    model = StripeEvent
    icon = "list-ul"
    menu_label = _("Stripe events")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    inspect_view_fields = [
        "stripe_id",
        "type",
        "status",
        "attempts",
        "last_error",
        "livemode",
        "api_version",
        "stripe_created",
        "received_at",
        "processed_at",
        "payload",
    ]
    list_display = ["stripe_id", "type", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["stripe_id", "type"]
    ordering = ["-received_at"]
    list_per_page = 50
    form_fields = []


class LedgerIndexView(IndexView):
    """The ledger's list, with the staff's ledger export and the reconciliation with Stripe in its header."""

    def get_base_queryset(self):
        return queries.ledger_for_staff()

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Export CSV / XLSX"), url=reverse("ledger:export"), icon_name="download"),
            HeaderButton(_("Reconcile with Stripe"), url=reverse("ledger:reconcile"), icon_name="tasks"),
        ]


def backing_url(entry):
    return reverse("backings_admin:inspect", args=[entry.backing_id]) if entry.backing_id else None


class LedgerInspectView(ReadableInspectView):
    money_fields = ("amount_twd", "platform_fee_twd")

    def get_backing_display_value(self):
        return backing_purpose(self.object.backing) if self.object.backing_id else "—"


class LedgerViewSet(ModelViewSet):
    """Every ledger entry, read-only; a payment's page offers a refund."""

    model = LedgerEntry
    index_view_class = LedgerIndexView
    icon = "table"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = LedgerInspectView
    inspect_view_fields = [
        "kind",
        "listing",
        "backing",
        "amount_twd",
        "platform_fee_twd",
        "source_key",
        "occurred_at",
        "receipt_number",
        "recorded_by",
        "note",
    ]
    list_display = [
        "occurred_at",
        "kind",
        TitleColumn("purpose", label=capfirst(_("what it is for")), accessor=ledger_entry_purpose, get_url=backing_url),
        "listing",
        money(LedgerEntry, "amount_twd"),
        "receipt_number",
    ]
    list_filter = ["kind", "listing", "occurred_at"]
    search_fields = ["source_key", "receipt_number", "backing__backer_email", "backing__backer_name", "note"]
    ordering = ["-occurred_at"]
    list_per_page = 50
    form_fields = []
    inspect_template_name = "payments/admin/ledger_inspect.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("refund/", refund_payment, name="refund"),
            path("payouts/record/", record_payout, name="record_payout"),
            path("export/", ledger_export, name="export"),
            path("reconcile/", ledger_reconcile, name="reconcile"),
        ]


class BackingViewSet(RecordViewSet):
    """Every donation, subscription, commitment payment and purchase, as its backer made it; its money is in the
    ledger."""

    model = Backing
    icon = "doc-full"
    list_display = [
        "created",
        "kind",
        Column("purpose", label=capfirst(_("what it is for")), accessor=backing_purpose),
        Column("backer", label=capfirst(_("backer")), accessor=backer_for_staff),
        money(Backing, "amount_twd"),
        "status",
    ]
    list_filter = ["kind", "status", "created"]
    search_fields = [
        "backer_email",
        "backer_name",
        "payer_company_name",
        "stripe_subscription_id",
        "stripe_payment_intent_id",
    ]
    ordering = ["-created"]
    money_fields = ["amount_twd"]
    inspect_view_fields = [
        "kind",
        "status",
        "listing",
        "plan",
        "campaign",
        "payee",
        "backer",
        "backer_name",
        "backer_email",
        "anonymous",
        "payer_company_name",
        "payer_unified_business_number",
        "amount_twd",
        "current_period_end",
        "paused_until",
        "cancel_at_period_end",
        "stripe_subscription_id",
        "stripe_payment_intent_id",
        "created",
        "updated",
    ]

    def staff_queryset(self):
        return queries.backings_for_staff()


class PaymentsGroup(ViewSetGroup):
    menu_label = gettext_lazy("Payments and ledger")
    menu_icon = "table"
    menu_order = 320
    items = (LedgerViewSet("ledger"), BackingViewSet("backings_admin"))


@hooks.register("register_admin_viewset")
def register_payments_viewsets():
    return [StripeEventViewSet("stripe_events"), PaymentsGroup()]
