"""The payments screens of the Wagtail admin: the ledger (read-only; a payment's page offers a refund, and staff
record manual payouts there) and Stripe's events."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_inspect import ReadableInspectView
from payments.admin_views import ledger_export, ledger_reconcile, record_payout, refund_payment
from payments.models import LedgerEntry, StripeEvent

# Stripe events are a record of what Stripe said: staff may look, nobody may edit.
register_permission_policy(StripeEvent, ReadOnlyPermissionPolicy(StripeEvent))


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

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(_("Export CSV / XLSX"), url=reverse("ledger:export"), icon_name="download"),
            HeaderButton(_("Reconcile with Stripe"), url=reverse("ledger:reconcile"), icon_name="tasks"),
        ]


class LedgerViewSet(ModelViewSet):
    """Every ledger entry, read-only; a payment's page offers a refund."""

    model = LedgerEntry
    index_view_class = LedgerIndexView
    icon = "table"
    menu_label = gettext_lazy("Payments and ledger")
    add_to_admin_menu = True
    menu_order = 320
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
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
    list_display = ["occurred_at", "kind", "listing", "backing", "amount_twd", "source_key"]
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


@hooks.register("register_admin_viewset")
def register_payments_viewsets():
    return [StripeEventViewSet("stripe_events"), LedgerViewSet("ledger")]
