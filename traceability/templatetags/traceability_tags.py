"""What other apps' templates show of traceability (templates are not imports: README.md, "Layout").

- {% traceability_panel page %}   the project page: public batches, and devices' live readings and charts
- {% trace_badges page %}         "Traceable" and "Live data" labels on a project card or page
- {% backing_batches backing batches %}   My backings: the batches of a subscription's plan, from what
                                          {% batches_by_backing %} fetched for the whole page at once
- {% period_batch_labels plans period as labels %}  packing slips of a month: each plan's public batch of that month,
                                          with its short URL and QR code
- {% company_traced_records report %}  a company's impact report: what the projects it backs traced
"""

from django import template
from django.utils.translation import pgettext

from traceability import badges, charts, queries
from traceability.models import Batch

register = template.Library()


@register.inclusion_tag("traceability/includes/project_panel.html", takes_context=True)
def traceability_panel(context, page):
    request = context.get("request")
    range_key = request.GET.get("readings", charts.DEFAULT_RANGE) if request is not None else charts.DEFAULT_RANGE
    if range_key not in charts.RANGES:
        range_key = charts.DEFAULT_RANGE
    devices = []
    for device in queries.public_devices(page):
        series = charts.series_for(device, device.public_measures, range_key)
        latest = queries.latest_readings(device, device.public_measures)
        devices.append(
            {
                "device": device,
                "hidden": queries.hidden_spans(device, device.public_measures, since=charts.range_start(range_key)),
                "measures": [
                    {
                        "measure": s.measure,
                        "series": s,
                        "latest": latest.get(code),
                        "chart": charts.render_svg(
                            s, chart_id=f"chart-{device.pk}-{code}", step=charts.chart_step(range_key)
                        ),
                    }
                    for code, s in series.items()
                ],
            }
        )
    batches = list(
        Batch.objects.filter(listing__project__translation_key=page.translation_key, is_public=True, entry_count__gt=0)
        .select_related("plan")
        .order_by("-created_at")[:12]
    )
    project_id = devices[0]["device"].listing.project_id if devices else None
    return {
        "request": request,
        "page": page,
        "devices": devices,
        "batches": batches,
        "range_key": range_key,
        "ranges": charts.RANGE_LABELS,
        "project_id": project_id,
    }


@register.filter
def trace_detail_label(name):
    """The label of a record's detail field (forms.DETAIL_LABELS), in the page's language."""
    from traceability.forms import DETAIL_LABELS

    return DETAIL_LABELS.get(name, name)


@register.inclusion_tag("traceability/includes/badges.html", takes_context=True)
def trace_badges(context, page):
    return {"badges": badges.project_badges(page, context.get("request"))}


@register.simple_tag(takes_context=True)
def trace_badge_list(context, page):
    """[(code, label)] of a project page, for templates that draw their own labels (site/templates/components)."""
    return badges.project_badges(page, context.get("request"))


@register.simple_tag
def batches_by_backing(backings):
    """{% batches_by_backing page.object_list as batches %}: the batches of a whole page of backings, one query."""
    return queries.batches_by_backing(backings)


@register.inclusion_tag("traceability/includes/backing_batches.html")
def backing_batches(backing, batches_by_backing):
    """A backing's batches, from what {% batches_by_backing %} fetched for the whole page."""
    return {"backing": backing, "batches": batches_by_backing.get(backing.pk, [])}


@register.simple_tag
def period_batch_labels(plans, period):
    """{plan pk: {"batch", "url", "qr"}} for the plans' public batches whose period covers the month starting on
    `period` (the newest when several do), for the packing slips of that month; plans without one are absent."""
    from traceability import labels

    found = {}
    for batch in queries.batches_for_month([plan.pk for plan in plans], period):
        if batch.plan_id in found:
            continue
        url = labels.short_url(batch)
        found[batch.plan_id] = {"batch": batch, "url": url, "qr": labels.qr_svg_inline(url, label=batch.name)}
    return found


@register.inclusion_tag("traceability/includes/company_records.html")
def company_traced_records(report):
    """For marketplace's impact report: the public batches of the projects the company committed to, each with
    whether its chain verifies now, and the devices reporting live. Projects and plans are named in the reader's
    language where a translation exists; batches, products and devices are the team's words (their language is
    marked, so a screen reader reads them right)."""
    from cms.public import in_active_language

    # By translation key: a company may have committed on a project's English or Japanese page, while the batches
    # hang on the listing of the original.
    project_keys = {line.interest.project.translation_key for line in report.lines}
    batches = list(
        queries.public_batches()
        .filter(listing__project__translation_key__in=project_keys, entry_count__gt=0)
        .select_related("listing__project", "plan")
        .order_by("listing__project__title", "-created_at")[:50]
    )
    shown_projects = in_active_language([batch.listing.project for batch in batches])
    rows = [
        {"batch": batch, "project": shown, "verification": queries.verify_batch(batch, check_files=False)}
        for batch, shown in zip(batches, shown_projects, strict=True)
    ]
    live = badges.badge_map()[badges.LIVE_DATA]
    live_projects = [
        line.interest.project for line in report.lines if str(line.interest.project.translation_key) in live
    ]
    separator = pgettext("list separator", ", ")
    live_devices = [
        {
            "device": device,
            "measures": separator.join(str(measure.caption) for measure in device.public_measure_objects()),
            "project": shown,
        }
        for project, shown in zip(live_projects, in_active_language(live_projects), strict=True)
        for device in queries.public_devices(project)
    ]
    return {"rows": rows, "live_devices": live_devices}
