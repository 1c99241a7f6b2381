"""A project's funding: the team's dashboard and CSV, and the public totals a project page reads over HTTP."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cms.page_cache import values_of_pages
from core.json_api import json_endpoint
from marketplace.queries import team_listing
from payments import dashboard, queries
from payments.funding import progress_of, public_listing


@login_required
@require_safe
def funding_dashboard(request, project_id):
    listing = team_listing(request.user, project_id)
    page = Paginator(queries.ledger_entries_of(listing), 50).get_page(request.GET.get("page"))
    rows = [(entry, dashboard.backer_identity(entry.backing)) for entry in page.object_list]
    context = {"listing": listing, "figures": dashboard.funding_figures(listing), "page": page, "rows": rows}
    return render(request, "payments/funding_dashboard.html", context)


@login_required
@require_safe
def funding_csv(request, project_id):
    listing = team_listing(request.user, project_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="homeward-funding-{listing.project_id}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    dashboard.write_ledger_csv(listing, response)
    return response


@json_endpoint("GET")
def funding_progress(request, project_id):
    """A public project's current totals, for a project page whose live socket was down (same as funding.progress).

    Kept with the project's page (cms.page_cache.values_of_pages): what moves the page's cached copy moves these
    figures too, a payment once its totals are announced (payments.live), a publish or unpublish, a changed
    campaign. A project that is not public is not kept, and answers 404."""
    figures = values_of_pages("funding-progress", [project_id], _figures_of_public_projects).get(project_id)
    if figures is None:
        raise Http404
    return JsonResponse(figures)


def _figures_of_public_projects(project_ids):
    figures = {}
    for project_id in project_ids:
        listing = public_listing(project_id)
        if listing is not None:
            figures[project_id] = progress_of(listing)
    return figures
