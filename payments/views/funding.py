"""A project's funding: the team's dashboard and CSV, and the public totals a project page reads over HTTP."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marketplace.queries import team_listing
from payments import dashboard, queries
from payments.funding import progress_of, public_listing


@login_required
@require_GET
def funding_dashboard(request, project_id):
    listing = team_listing(request.user, project_id)
    page = Paginator(queries.ledger_entries_of(listing), 50).get_page(request.GET.get("page"))
    rows = [(entry, dashboard.backer_identity(entry.backing)) for entry in page.object_list]
    context = {"listing": listing, "figures": dashboard.funding_figures(listing), "page": page, "rows": rows}
    return render(request, "payments/funding_dashboard.html", context)


@login_required
@require_GET
def funding_csv(request, project_id):
    listing = team_listing(request.user, project_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="homeward-funding-{listing.project_id}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    dashboard.write_ledger_csv(listing, response)
    return response


@require_GET
def funding_progress(request, project_id):
    """A public project's current totals, for a project page whose live socket was down (same as funding.progress)."""
    listing = public_listing(project_id)
    if listing is None:
        raise Http404
    return JsonResponse(progress_of(listing))
