"""The team's fulfilment of plans that ship goods: the month's list, its CSV, packing slips, "shipped".

The work is in payments.fulfilment (what the list holds, who may see an address, the action).
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.actions import run_action
from core.numbers import count_from_text
from marketplace.queries import team_listing
from payments import fulfilment
from payments.forms import ShipForm

MONTHS_BACK = 12


def _period(request):
    """The month asked for (?period=YYYY-MM), within the last year; this month otherwise."""
    current = fulfilment.period_of(timezone.localdate())
    try:
        asked = datetime.datetime.strptime(request.GET.get("period", ""), "%Y-%m").date()
    except ValueError:
        return current
    return asked if _months_between(asked, current) in range(MONTHS_BACK + 1) else current


def _months_between(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _recent_periods():
    period = fulfilment.period_of(timezone.localdate())
    periods = []
    for _month in range(MONTHS_BACK + 1):
        periods.append(period)
        period = (period - datetime.timedelta(days=1)).replace(day=1)
    return periods


@login_required
@require_safe
def fulfilment_list(request, project_id):
    listing = team_listing(request.user, project_id)
    return _fulfilment_page(request, listing, _period(request))


def _fulfilment_page(request, listing, period, *, ship_form=None, status=200):
    """The month's list; `ship_form`: a "shipped" the server refused, shown again in its backer's row with the
    tracking number typed and the reason beside it."""
    result = fulfilment.fulfilment_list(listing, period)
    refused_id = ship_form.backing_id if ship_form is not None else None
    context = {
        "listing": listing,
        "list": result,
        # Each row with its "shipped" form: the refused one in its row, a fresh one elsewhere.
        "rows": [
            (row, ship_form if row.backing.pk == refused_id else ShipForm(backing_id=row.backing.pk))
            for row in result.rows
        ],
        "periods": _recent_periods(),
        "ship_form": ship_form,
        "ship_dates": {plan.pk: fulfilment.ship_date(plan, result.period) for plan in result.shipping_plans},
    }
    return render(request, "payments/fulfilment.html", context, status=status)


@login_required
@require_safe
def fulfilment_csv(request, project_id):
    listing = team_listing(request.user, project_id)
    result = fulfilment.fulfilment_list(listing, _period(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"homeward-fulfilment-{listing.project_id}-{result.period:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    fulfilment.write_fulfilment_csv(result, response)
    return response


@login_required
@require_safe
def packing_slips(request, project_id):
    listing = team_listing(request.user, project_id)
    result = fulfilment.fulfilment_list(listing, _period(request))
    rows = [row for row in result.rows if row.address is not None and row.shipment is None]
    context = {"listing": listing, "list": result, "rows": rows}
    return render(request, "payments/packing_slips.html", context)


@login_required
@require_POST
def mark_shipped(request, project_id):
    listing = team_listing(request.user, project_id)
    form = ShipForm(request.POST, backing_id=count_from_text(request.POST.get("backing")))
    if form.is_valid():
        outcome = run_action(
            request,
            fulfilment.mark_shipped,
            listing,
            form.cleaned_data["backing"],
            form.cleaned_data["tracking_number"],
            form=form,
            error_field="tracking_number",
            success=_("Marked shipped; the backer is told."),
        )
        if outcome.done:
            return redirect(reverse("payments:fulfilment", kwargs={"project_id": listing.project_id}))
    # Refused (a tracking number too long, a parcel already marked, a backer no longer on the list): this month's
    # list again, the tracking number typed kept in its row with the reason beside it.
    return _fulfilment_page(request, listing, fulfilment.period_of(timezone.localdate()), ship_form=form, status=400)
