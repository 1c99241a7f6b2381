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
from django.views.decorators.http import require_GET, require_POST

from core.actions import run_action
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
@require_GET
def fulfilment_list(request, project_id):
    listing = team_listing(request.user, project_id)
    result = fulfilment.fulfilment_list(listing, _period(request))
    context = {
        "listing": listing,
        "list": result,
        "periods": _recent_periods(),
        "ship_form": ShipForm(),
        "ship_dates": {plan.pk: fulfilment.ship_date(plan, result.period) for plan in result.shipping_plans},
    }
    return render(request, "payments/fulfilment.html", context)


@login_required
@require_GET
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
@require_GET
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
    form = ShipForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            fulfilment.mark_shipped,
            listing,
            form.cleaned_data["backing"],
            form.cleaned_data["tracking_number"],
            success=_("Marked shipped; the backer is told."),
        )
    else:
        from django.contrib import messages

        messages.error(request, _("Nothing was marked: the form was incomplete. Please try again."))
    return redirect(reverse("payments:fulfilment", kwargs={"project_id": listing.project_id}))
