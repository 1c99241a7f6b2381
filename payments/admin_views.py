"""Staff screens in the Wagtail admin: refunds started by staff, recorded payouts (under the ledger's viewset).

Registered from payments/wagtail_hooks.py. The ledger is a record of money
that moved: nobody edits it here. A refund is asked in two steps (form, then
confirmation); the confirmation carries a one-time key that is also Stripe's
idempotency key, so a double click refunds once.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.actions import ActionRefused
from core.forms import Textarea
from core.money import format_twd, parse_amount_twd
from payments import refunds
from payments.models import LedgerEntry, RefundRequest

register_permission_policy(LedgerEntry, ReadOnlyPermissionPolicy(LedgerEntry))


def check_can_refund(user):
    """Staff allowed to add refund requests (superusers, or a group given that permission) refund payments."""
    if not (user.is_authenticated and user.is_active and user.has_perm("payments.add_refundrequest")):
        raise PermissionDenied


class StaffRefundForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Amount to refund (NT$)"),
        required=False,
        help_text=gettext_lazy("Leave empty to refund everything that is left of this payment."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=Textarea(attrs={"rows": 3}), max_length=1000)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.refundable = refunds.refundable_twd(payment)

    def clean_amount(self):
        text = self.cleaned_data["amount"].strip()
        if not text:
            if self.refundable <= 0:
                raise ValidationError(_("Nothing is left of this payment to refund."), code="nothing_left")
            return None
        if self.refundable <= 0:
            raise ValidationError(_("Nothing is left of this payment to refund."), code="nothing_left")
        amount = parse_amount_twd(text, minimum=1)
        if amount > self.refundable:
            raise ValidationError(
                _("The refund (%(amount)s) is larger than what remains of this payment (%(remaining)s).")
                % {"amount": format_twd(amount), "remaining": format_twd(self.refundable)},
                code="over_remaining",
            )
        return amount

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why this payment is refunded."), code="required")
        return reason

    def clean_token(self):
        token = self.cleaned_data["token"]
        if token:
            try:
                return str(uuid.UUID(token))
            except ValueError:
                raise ValidationError(_("The confirmation expired; start again."), code="token") from None
        return token


@require_http_methods(["GET", "POST"])
def refund_payment(request):
    """GET ?payment=<id>: the form. POST: check and show the confirmation; POST with confirm: ask Stripe."""
    check_can_refund(request.user)
    payment_id = request.POST.get("payment") or request.GET.get("payment") or ""
    payment = get_object_or_404(
        LedgerEntry.objects.select_related("backing", "listing__project"),
        pk=int(payment_id) if payment_id.isdigit() else 0,
        kind=LedgerEntry.Kind.PAYMENT,
    )
    form = StaffRefundForm(request.POST or None, payment=payment)
    context = {"payment": payment, "form": form, "refundable": format_twd(form.refundable)}
    if request.method == "GET" or not form.is_valid():
        return TemplateResponse(
            request, "payments/admin/refund_form.html", context, status=200 if request.method == "GET" else 400
        )
    amount = form.cleaned_data["amount"]
    if not (request.POST.get("confirm") and form.cleaned_data["token"]):
        context.update(
            token=str(uuid.uuid4()),
            amount=amount,
            amount_label=format_twd(amount) if amount is not None else format_twd(form.refundable),
            reason=form.cleaned_data["reason"],
        )
        return TemplateResponse(request, "payments/admin/refund_confirm.html", context)
    try:
        refund_request = refunds.request_refund(
            payment,
            origin=RefundRequest.Origin.STAFF,
            idempotency_key=f"staff-{form.cleaned_data['token']}",
            reason=form.cleaned_data["reason"],
            amount_twd=amount,
            actor=request.user,
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return TemplateResponse(request, "payments/admin/refund_form.html", context, status=400)
    messages.success(
        request,
        _("Refund %(refund)s requested from Stripe. The ledger shows it once Stripe confirms it.")
        % {"refund": refund_request.stripe_refund_id},
    )
    return redirect("ledger:inspect", payment.pk)


@require_http_methods(["GET", "POST"])
def record_payout(request):
    """Staff record a bank transfer made to a platform-collected team (a payout entry in the ledger)."""
    from payments import payouts
    from payments.forms import RecordPayoutForm

    payouts.check_can_record_payouts(request.user)
    form = RecordPayoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = payouts.record_payout(
                request.user,
                data["listing"],
                amount_twd=data["amount"],
                reference=data["reference"],
                paid_on=data["paid_on"],
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Payout of %(amount)s recorded.") % {"amount": format_twd(-entry.amount_twd)})
            return redirect("ledger:inspect", entry.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "payments/admin/record_payout.html", {"form": form}, status=status)


def check_can_read_ledger(user):
    if not (user.is_authenticated and user.is_active and user.has_perm("payments.view_ledgerentry")):
        raise PermissionDenied


def ledger_readers_only(view):
    """Refuse people without the ledger permission before anything else (a POST by an editor is a 403, not a 405)."""
    from functools import wraps

    @wraps(view)
    def checked(request, *args, **kwargs):
        check_can_read_ledger(request.user)
        return view(request, *args, **kwargs)

    return checked


class Echo:
    """A file-like object whose write returns the line: csv.writer then yields rows to a streaming response."""

    def write(self, value):
        return value


@ledger_readers_only
@require_http_methods(["GET"])
def ledger_export(request):
    """The filter form; with a valid query string, the filtered ledger as CSV (streamed) or XLSX."""
    import csv

    from django.http import FileResponse, StreamingHttpResponse

    from payments import ledger_export as export
    from payments.forms import LedgerExportForm

    check_can_read_ledger(request.user)
    form = LedgerExportForm(request.GET or None)
    if not request.GET or not form.is_valid():
        status = 400 if request.GET else 200
        return TemplateResponse(request, "payments/admin/ledger_export.html", {"form": form}, status=status)
    data = form.cleaned_data
    entries = export.ledger_entries(
        data["date_from"],
        data["date_to"],
        listing=data["listing"],
        enterprise=data["enterprise"],
        kind=data["kind"],
    )
    name = f"ledger-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    if data["format"] == "xlsx":
        return FileResponse(
            export.write_xlsx(entries),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    writer = csv.writer(Echo())

    def stream():
        yield "\ufeff"  # a BOM: Excel then reads the file as UTF-8
        for values in export.rows(entries):
            yield writer.writerow(export.csv_cells(values))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@ledger_readers_only
@require_http_methods(["GET"])
def ledger_reconcile(request):
    """The ledger of a date range compared with Stripe's balance transactions: the differences."""
    import stripe

    from payments import ledger_export as export
    from payments.forms import LedgerExportForm

    check_can_read_ledger(request.user)
    form = LedgerExportForm(request.GET or None)
    context = {"form": form, "report": None, "max_days": export.MAX_RECONCILE_DAYS}
    if not request.GET or not form.is_valid():
        status = 400 if request.GET else 200
        return TemplateResponse(request, "payments/admin/ledger_reconcile.html", context, status=status)
    try:
        context["report"] = export.reconcile_range(form.cleaned_data["date_from"], form.cleaned_data["date_to"])
    except ActionRefused as refused:
        form.add_error(None, refused.message)
        return TemplateResponse(request, "payments/admin/ledger_reconcile.html", context, status=400)
    except (stripe.StripeError, export.stripe_api.PaymentsNotConfigured):
        context["problem"] = _("Stripe could not be read just now, so nothing was compared. Try again later.")
        return TemplateResponse(request, "payments/admin/ledger_reconcile.html", context, status=503)
    return TemplateResponse(request, "payments/admin/ledger_reconcile.html", context)
