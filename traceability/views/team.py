"""The team's pages: a project's batches and devices, a batch's records, labels, a device's token and alerts.

Every view is for members of the team that runs the project (403 for anyone else) and calls one action.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.actions import run_action
from core.numbers import count_from_text
from marketplace.queries import team_listing
from traceability import actions, charts, labels, queries
from traceability.forms import (
    AlertRuleForm,
    BatchForm,
    CorrectionForm,
    DeviceForm,
    EntryForm,
    HideReadingsForm,
    PublicMeasuresForm,
)
from traceability.models import AlertRule, Entry, ReadingExclusion

LABELS_PER_SHEET_MAX = 200


@login_required
@require_safe
def project_dashboard(request, project_id):
    listing = team_listing(request.user, project_id)
    context = {
        "listing": listing,
        "batches": queries.batches_of(listing),
        "devices": queries.devices_of(listing),
    }
    return render(request, "traceability/team/project.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request, project_id):
    listing = team_listing(request.user, project_id)
    form = BatchForm(request.POST or None, listing=listing)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            actions.create_batch,
            listing,
            form=form,
            name=form.cleaned_data["name"],
            product=form.cleaned_data["product"],
            description=form.cleaned_data["description"],
            plan=form.cleaned_data["plan"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            success=_("The batch is created. Add its first record."),
        )
        if outcome.done:
            return redirect("traceability:batch_manage", code=outcome.result.code)
    return render(request, "traceability/team/batch_new.html", {"listing": listing, "form": form})


def _entry_kwargs(form):
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "occurred_at": data["occurred_at"],
        "township": data["township"],
        "place_detail": data["place_detail"],
        "performed_by": data["performed_by"],
        "description": data["description"],
        "details": form.details(),
        "files": form.checked_files,
    }


@login_required
@require_http_methods(["GET", "POST"])
def batch_manage(request, code):
    """The batch's records and the form that appends the next one."""
    batch = queries.team_batch_or_404(request.user, code)
    form = EntryForm(request.POST or None, request.FILES or None, listing=batch.listing)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_action(
                request,
                actions.append_entry,
                batch,
                form=form,
                success=lambda entry: _("Record #%(number)d is added to the chain.") % {"number": entry.sequence},
                **_entry_kwargs(form),
            )
            if outcome.done:
                return redirect("traceability:batch_manage", code=batch.code)
        status = 400
    context = {
        "batch": batch,
        "listing": batch.listing,
        "story": queries.batch_entries(batch),
        "form": form,
        "short_url": labels.short_url(batch),
    }
    return render(request, "traceability/team/batch.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_correct(request, code, sequence):
    batch = queries.team_batch_or_404(request.user, code)
    corrected = get_object_or_404(Entry.objects.select_related("township"), batch=batch, sequence=sequence)
    initial = {
        "kind": corrected.kind,
        "occurred_at": corrected.occurred_at,
        "township": corrected.township_id,
        "place_detail": corrected.place_detail,
        "performed_by": corrected.performed_by,
        "description": corrected.description,
        **corrected.details,
    }
    form = CorrectionForm(request.POST or None, request.FILES or None, listing=batch.listing, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = run_action(
                request,
                actions.append_entry,
                batch,
                form=form,
                corrects=corrected,
                correction_reason=form.cleaned_data["correction_reason"],
                success=lambda entry: (
                    _("Record #%(number)d corrects record #%(old)d; both stay in the chain.")
                    % {"number": entry.sequence, "old": corrected.sequence}
                ),
                **_entry_kwargs(form),
            )
            if outcome.done:
                return redirect("traceability:batch_manage", code=batch.code)
        status = 400
    context = {"batch": batch, "corrected": corrected, "form": form}
    return render(request, "traceability/team/correct.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, code, sequence):
    """Editing a written record is refused (409) with the way to correct it; nothing is changed."""
    batch = queries.team_batch_or_404(request.user, code)
    entry = get_object_or_404(Entry, batch=batch, sequence=sequence)
    outcome = run_action(request, actions.refuse_entry_change, entry)
    return render(
        request,
        "traceability/team/entry_locked.html",
        {"batch": batch, "entry": entry, "reason": outcome.refused.message if outcome.refused else ""},
        status=409,
    )


@login_required
@require_POST
def batch_publish(request, code):
    batch = queries.team_batch_or_404(request.user, code)
    public = request.POST.get("public") == "1"
    run_action(
        request,
        actions.set_batch_public,
        batch,
        public,
        success=_("The batch is public: its QR code opens its story.")
        if public
        else _("The batch is no longer public; its QR code says so."),
    )
    return redirect("traceability:batch_manage", code=batch.code)


@login_required
@require_safe
def batch_labels(request, code):
    """A printable sheet of labels (QR code, name, short URL): one per box of a shipping record, or ?count=n."""
    batch = queries.team_batch_or_404(request.user, code)
    shipment = None
    count = 12
    entry_number = request.GET.get("entry", "")
    if entry_number:
        sequence = count_from_text(entry_number)
        if sequence is None:
            raise Http404
        shipment = get_object_or_404(Entry, batch=batch, sequence=sequence, kind=Entry.Kind.SHIPPING)
        count = count_from_text(str(shipment.details.get("boxes", "1"))) or 1
    elif (asked := count_from_text(request.GET.get("count"))) is not None:
        count = asked
    count = max(1, min(count, LABELS_PER_SHEET_MAX))
    url = labels.short_url(batch)
    qr = labels.qr_svg_inline(url, label=_("QR code of %(url)s") % {"url": url})
    context = {"batch": batch, "shipment": shipment, "labels": range(count), "qr": qr, "short_url": url}
    return render(request, "traceability/team/labels.html", context)


# --- devices ---------------------------------------------------------------------------------------------------


def _token_response(request, device, token, *, status=200, rotated=False):
    """The one page that shows a token: rendered in the POST's answer (not a redirect), never cached."""
    response = render(
        request,
        "traceability/team/device_token.html",
        {"device": device, "token": token, "rotated": rotated},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def device_new(request, project_id):
    listing = team_listing(request.user, project_id)
    form = DeviceForm(request.POST or None, listing=listing)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            actions.register_device,
            listing,
            form=form,
            name=form.cleaned_data["name"],
            township=form.cleaned_data["township"],
            measure_codes=form.cleaned_data["measures"],
            public_codes=form.cleaned_data["public_measures"],
            kind=form.cleaned_data["kind"],
        )
        if outcome.done:
            device, token = outcome.result
            return _token_response(request, device, token, status=201)
    status = 400 if request.method == "POST" else 200
    return render(request, "traceability/team/device_new.html", {"listing": listing, "form": form}, status=status)


@login_required
@require_safe
def device_detail(request, pk):
    return _device_page(request, queries.team_device_or_404(request.user, pk))


def _device_page(request, device, *, status=200, **forms):
    """The device page; a refused form among its small ones comes back filled in as sent, its reasons beside it."""
    range_key = request.GET.get("range", charts.DEFAULT_RANGE)
    if range_key not in charts.RANGES:
        range_key = charts.DEFAULT_RANGE
    series = charts.series_for(device, device.measures, range_key)
    context = {
        "device": device,
        "listing": device.listing,
        "charts": [
            (s, charts.render_svg(s, chart_id=f"device-{device.pk}-{code}", step=charts.chart_step(range_key)))
            for code, s in series.items()
        ],
        "range_key": range_key,
        "ranges": charts.RANGE_LABELS,
        "latest": queries.latest_readings(device, device.measures),
        "tokens": device.tokens.all(),
        "rules": device.alert_rules.all(),
        "measures_form": forms.get("measures_form") or PublicMeasuresForm(device=device),
        "alert_form": forms.get("alert_form") or AlertRuleForm(device=device),
        "hide_form": forms.get("hide_form") or HideReadingsForm(device=device),
        "exclusions": device.exclusions.select_related("created_by"),
    }
    return render(request, "traceability/team/device.html", context, status=status)


@login_required
@never_cache
@require_POST
def device_rotate(request, pk):
    device = queries.team_device_or_404(request.user, pk)
    outcome = run_action(request, actions.rotate_device_token, device)
    if outcome.done:
        return _token_response(request, device, outcome.result, rotated=True)
    return redirect("traceability:device", pk=device.pk)


@login_required
@require_POST
def device_revoke(request, pk):
    device = queries.team_device_or_404(request.user, pk)
    run_action(
        request,
        actions.revoke_device,
        device,
        success=_("The device is revoked: its token no longer works and its readings stop."),
    )
    return redirect("traceability:device", pk=device.pk)


@login_required
@require_POST
def device_measures(request, pk):
    device = queries.team_device_or_404(request.user, pk)
    form = PublicMeasuresForm(request.POST, device=device)
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.set_public_measures,
            device,
            form.cleaned_data["public_measures"],
            form=form,
            error_field="public_measures",
            success=_("The project page now shows the measures you chose."),
        )
        if outcome.done:
            return redirect("traceability:device", pk=device.pk)
        status = outcome.http_status
    return _device_page(request, device, measures_form=form, status=status)


@login_required
@require_POST
def alert_add(request, pk):
    device = queries.team_device_or_404(request.user, pk)
    form = AlertRuleForm(request.POST, device=device)
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.add_alert_rule,
            device,
            measure=form.cleaned_data["measure"],
            minimum=form.cleaned_data["minimum"],
            maximum=form.cleaned_data["maximum"],
            sustained_minutes=form.cleaned_data["sustained_minutes"],
            notify_backers=form.cleaned_data["notify_backers"],
            form=form,
            success=_("The alert is set."),
        )
        if outcome.done:
            return redirect("traceability:device", pk=device.pk)
        status = outcome.http_status
    return _device_page(request, device, alert_form=form, status=status)


@login_required
@require_POST
def readings_hide(request, pk):
    device = queries.team_device_or_404(request.user, pk)
    form = HideReadingsForm(request.POST, device=device)
    status = 400
    if form.is_valid():
        outcome = run_action(
            request,
            actions.hide_readings,
            device,
            measure=form.cleaned_data["measure"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            reason=form.cleaned_data["reason"],
            form=form,
            success=_("The readings are hidden; the charts leave them out within a few minutes."),
        )
        if outcome.done:
            return redirect("traceability:device", pk=device.pk)
        status = outcome.http_status
    return _device_page(request, device, hide_form=form, status=status)


@login_required
@require_POST
def readings_show(request, pk, exclusion_pk):
    device = queries.team_device_or_404(request.user, pk)
    exclusion = get_object_or_404(ReadingExclusion, pk=exclusion_pk, device=device)
    run_action(
        request,
        actions.show_readings_again,
        exclusion,
        success=_("The readings count again; the charts show them within a few minutes."),
    )
    return redirect("traceability:device", pk=device.pk)


@login_required
@require_POST
def alert_remove(request, pk, rule_pk):
    device = queries.team_device_or_404(request.user, pk)
    rule = get_object_or_404(AlertRule, pk=rule_pk, device=device)
    run_action(request, actions.remove_alert_rule, rule, success=_("The alert is removed."))
    return redirect("traceability:device", pk=device.pk)
