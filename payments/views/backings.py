"""The backer's own pages: my backings, one backing, a receipt."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.public import in_active_language
from payments import queries
from payments.receipts import receipt_context


@login_required
@require_GET
def my_backings(request):
    page = Paginator(queries.backings_of(request.user), 20).get_page(request.GET.get("page"))
    payments = queries.payments_by_backing(page.object_list)
    projects = in_active_language([backing.listing.project for backing in page.object_list])
    rows = [
        (backing, payments.get(backing.pk, []), project)
        for backing, project in zip(page.object_list, projects, strict=True)
    ]
    return render(request, "payments/my_backings.html", {"page": page, "rows": rows})


@login_required
@require_GET
def backing_detail(request, pk):
    backing = queries.own_backing_or_404(request.user, pk)
    [project] = in_active_language([backing.listing.project])
    context = {
        "backing": backing,
        "project": project,
        "entries": backing.ledger_entries.all(),
        "updates": list(backing.listing.project.updates.all()[:5]),
    }
    return render(request, "payments/backing_detail.html", context)


@login_required
@require_GET
def receipt(request, pk):
    entry = queries.own_receipt_or_404(request.user, pk)
    return render(request, "payments/receipt.html", receipt_context(entry))
