"""The public impact page and its downloads: /<lang>/impact/, impact.csv, impact.json (same GET filters)."""

import dataclasses
import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from cms.page_cache import anonymous_view, request_is_cacheable
from core.json_api import json_endpoint
from datahub.presentation import format_value as format_figure
from datahub.queries import latest_import_id
from datahub.queries import layer as figure_layer_values
from impact.charts import month_chart
from impact.exports import csv_text, json_document
from impact.forms import ImpactFilterForm
from impact.measures import FIELDS, MEASURES, PUBLIC_MIN_COMPANIES, public_view
from impact.presentation import cached_township_page_links, format_value, township_details
from impact.service import cached_figures, current_stamp, is_shared, page_snapshot
from places.maps import choropleth
from places.models import Township


def _query(form, **changes):
    """The form's current query string with some values changed (None drops the key)."""
    pairs = []
    for name in ("measure", "county", "year", "sector", "sdg", "funding_type"):
        value = changes[name] if name in changes else (form.data.get(name) if form.is_bound else None)
        if value:
            pairs.append((name, value))
    pairs.extend(("town", code) for code in form.town_codes)
    return urlencode(pairs)


MAP_CACHE_SECONDS = 600


def _figure_layer(indicator):
    """The chosen imported indicator's latest value per township (None for the platform's own measures)."""
    if indicator is None:
        return None
    return figure_layer_values(indicator, Township.objects.with_county())


def _map_values(data, measure, figure_layer):
    if figure_layer is None:
        return data.township_values(measure), MEASURES[measure], lambda value: format_value(measure, value)
    unit, decimals = figure_layer.indicator.unit, figure_layer.decimals
    return (
        {code: float(value) for code, value in figure_layer.values.items()},
        figure_layer.indicator.name,
        lambda value: format_figure(value, unit, decimals) if value is not None else format_value(measure, None),
    )


def _map_html(request, form, snapshot, measure, county, figure_layer=None):
    """The rendered map (368 regions, legend, table alternative): the page's largest part, kept per snapshot.

    Keyed by the snapshot (its version and time: new figures make a new key), the page's choices, the language,
    the scheme and the host (township page links are made for them).
    """
    key_parts = (
        latest_import_id(),  # a new import of official figures makes a new key
        snapshot.version,
        snapshot.computed_at.isoformat(),
        _query(form),
        get_language(),
        request.scheme,
        request.get_host(),
    )
    digest = hashlib.sha1(repr(key_parts).encode(), usedforsecurity=False).hexdigest()[:20]
    key = f"impact:map-html:{digest}"
    shared = is_shared(snapshot.data.filters)  # a visitor's own list of townships is not kept (impact.service)
    html = cache.get(key) if shared else None
    if html is None:
        data = snapshot.data
        page_url = reverse("impact:page")
        links = cached_township_page_links(request)
        values, label, value_format = _map_values(data, measure, figure_layer)
        impact_map = choropleth(
            values,
            measure_label=label,
            value_format=value_format,
            links=lambda township: (
                links.get(township.code) or f"{page_url}?{_query(form, county=township.county.code)}"
            ),
            county=county,
            details=township_details(data, exclude=measure),
            map_id="impact-map",
        )
        html = render_to_string("places/includes/choropleth.html", {"map": impact_map}, request=request)
        if shared:
            cache.set(key, html, MAP_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by the template above, autoescaped)


@require_safe
def impact_page(request):
    form = ImpactFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "impact/impact.html", {"form": form}, status=400)
    filters = form.filters()
    stamp = current_stamp(filters) if is_shared(filters) and request_is_cacheable(request, None) else None
    if stamp is not None:
        # Current figures: the kept page is found by their stamp, and they are read only to render it again.
        version, computed_at = stamp
        return anonymous_view(
            request,
            (version, computed_at.isoformat(), False),
            lambda: _render_impact_page(request, form, page_snapshot(filters)),
        )
    snapshot = page_snapshot(filters)
    if not snapshot.version:  # figures of chosen townships, computed for this request
        return _render_impact_page(request, form, snapshot)
    # Shared figures: every anonymous visitor sees the same page until the figures (or the site) change.
    return anonymous_view(
        request,
        (snapshot.version, snapshot.computed_at.isoformat(), snapshot.stale),
        lambda: _render_impact_page(request, form, snapshot),
    )


def _render_impact_page(request, form, snapshot):
    measure, county = form.chosen_measure(), form.chosen_county()
    figure_layer = _figure_layer(form.chosen_indicator() if form.is_bound else None)
    snapshot = dataclasses.replace(snapshot, data=public_view(snapshot.data))  # private commitments aggregated
    data = snapshot.data
    page_url = reverse("impact:page")
    counties = data.counties if county is None else [data.county(county)]
    return render(
        request,
        "impact/impact.html",
        {
            "form": form,
            "data": data,
            "snapshot": snapshot,
            "map_html": _map_html(request, form, snapshot, measure, county, figure_layer),
            "measure": measure,
            "measure_label": figure_layer.indicator.name if figure_layer else MEASURES[measure],
            "figure_layer": figure_layer,
            "county": data.county(county) if county else None,
            "counties": counties,
            "county_links": {area.code: f"{page_url}?{_query(form, county=area.code)}" for area in data.counties},
            "taiwan_url": f"{page_url}?{_query(form, county=None)}",
            "csv_url": f"{reverse('impact:csv')}?{_query(form)}",
            "json_url": f"{reverse('impact:json')}?{_query(form)}",
            "chart": month_chart(data.months),
            "fields": FIELDS,
            "public_min_companies": PUBLIC_MIN_COMPANIES,
        },
    )


def _download_filters(request):
    form = ImpactFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return None, form
    return form.filters(), form


@require_safe
def impact_csv(request):
    filters, form = _download_filters(request)
    if filters is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(csv_text(public_view(cached_figures(filters))), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="homeward-impact.csv"'
    return response


@json_endpoint("GET")
def impact_json(request):
    filters, form = _download_filters(request)
    if filters is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse(json_document(public_view(cached_figures(filters))), json_dumps_params={"ensure_ascii": False})


# --- a company's yearly evidence report (impact.corporate) ---------------------------------------


def _company_report(request, slug):
    """(organisation, profile, year, report) for a member of the company `slug`; 404/403 otherwise."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from accounts.actions import check_member
    from accounts.models import Organisation
    from marketplace.queries import company_profile_of

    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.COMPANY)
    check_member(request.user, organisation)
    profile = company_profile_of(organisation)
    if profile is None:
        raise Http404
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not REPORT_FIRST_YEAR <= year <= this_year:
        year = this_year
    return organisation, profile, year


REPORT_FIRST_YEAR = 2020


def _export_language(request, profile):
    from django.conf import settings

    language = request.GET.get("lang", "")
    return language if language in dict(settings.LANGUAGES) else profile.report_language


@login_required
@require_safe
def company_report(request, slug):
    from impact.corporate import corporate_report

    organisation, profile, year = _company_report(request, slug)
    context = {
        "organisation": organisation,
        "profile": profile,
        "report": corporate_report(profile, year),
        "year": year,
        "years": range(timezone.localdate().year, REPORT_FIRST_YEAR - 1, -1),
        "export_language": profile.get_report_language_display(),
    }
    return render(request, "impact/company_report.html", context)


def _export(request, slug, render_file, content_type, extension):
    from django.utils import translation

    from impact.corporate import corporate_report

    organisation, profile, year = _company_report(request, slug)
    with translation.override(_export_language(request, profile)):
        content = render_file(corporate_report(profile, year))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="impact-{organisation.pk}-{year}.{extension}"'
    return response


@login_required
@require_safe
def company_report_csv(request, slug):
    from impact.corporate_exports import report_csv

    return _export(request, slug, report_csv, "text/csv; charset=utf-8", "csv")


@login_required
@require_safe
def company_report_pdf(request, slug):
    from impact.corporate_exports import report_pdf

    return _export(request, slug, report_pdf, "application/pdf", "pdf")
