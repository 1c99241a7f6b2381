"""Public pages: a batch's story (what a QR code opens), its verification, the digests and the public key."""

import datetime
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language_from_request
from django.views.decorators.http import require_http_methods, require_safe

from cms.public import public_projects
from core.json_api import json_endpoint
from traceability import digests, labels, maps, queries, signing
from traceability.forms import DigestCheckForm
from traceability.models import Attachment, Digest, code_from_text, normalise_code
from traceability.uploads import SERVED_TYPES

DIGESTS_PER_PAGE = 120


def _not_public_response(request, code, error):
    """A batch that is unknown or unpublished: a page that says which, in the reader's language (404), with a box to
    type the code again and, for an unpublished batch of a public project, the project's page."""
    context = {
        "code": normalise_code(code),
        "unpublished": isinstance(error, queries.BatchNotPublic),
        "project": queries.public_project_of_code(code),
    }
    return render(request, "traceability/batch_unavailable.html", context, status=404)


@require_safe
def batch_lookup(request):
    """The code a shopper typed (?code=): its batch's page, or this page again asking for it."""
    code = code_from_text(request.GET.get("code"))
    if code:
        return HttpResponseRedirect(reverse("traceability:batch", kwargs={"code": code}))
    return render(request, "traceability/batch_unavailable.html", {"code": "", "asked": "code" in request.GET})


@require_safe
def short_redirect(request, code):
    """/b/<code> (printed on labels and in QR codes) → the batch's page in the reader's language."""
    language = get_language_from_request(request, check_path=False) or settings.LANGUAGE_CODE
    with translation.override(language):
        target = reverse("traceability:batch", kwargs={"code": normalise_code(code)})
    return HttpResponseRedirect(target)


@require_safe
def batch_page(request, code):
    try:
        batch = queries.public_batch_or_404(code)
    except Http404 as error:
        return _not_public_response(request, code, error)
    story = queries.batch_entries(batch)
    places = queries.places_of(story)
    verification = queries.verify_batch(batch)
    context = {
        "batch": batch,
        "project": queries.project_in_language(batch.listing.project),
        "team": batch.listing.enterprise,
        "story": story,
        "places": places,
        "route_map": maps.route_map(places),
        "lab_results": queries.lab_results(story),
        "verification": verification,
        "short_url": labels.short_url(batch),
    }
    return render(request, "traceability/batch.html", context)


@require_safe
def batch_qr(request, code):
    """The QR code (SVG) of a batch's short URL: public batches for anyone (shared caches keep it a day),
    unpublished ones for their team. Neither a team's preview nor a refusal is kept by a shared cache: the refusal
    would outlive the batch's publication by a day."""
    try:
        batch = queries.viewable_batch_or_404(request.user, code)
    except Http404 as error:
        response = _not_public_response(request, code, error)
        response["Cache-Control"] = "private, no-store"
        return response
    response = HttpResponse(labels.qr_svg_text(labels.short_url(batch)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="homeward-{batch.code}.svg"'
    if queries.batch_is_public(batch):
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def batch_verify(request, code):
    """Recompute the batch's chain; with a kept digest (POST), say whether the chain still matches it."""
    try:
        batch = queries.public_batch_or_404(code)
    except Http404 as error:
        return _not_public_response(request, code, error)
    verification = queries.verify_batch(batch)
    form = DigestCheckForm(request.POST or None, request.FILES or None)
    kept = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            check = digests.check_digest_document(form.cleaned_data["document"])
            kept = {"check": check, "comparison": None}
            if check.valid_signature:
                kept["comparison"] = queries.compare_with_kept_digest(batch, check.chains)
        else:
            status = 400
    context = {
        "batch": batch,
        "verification": verification,
        "form": form,
        "kept": kept,
        "public_key_id": signing.key_id(),
    }
    return render(request, "traceability/verify.html", context, status=status)


@json_endpoint("GET")
def batch_json(request, code):
    """The batch's chain as JSON: each entry's hashed content and hashes, to recompute it elsewhere."""
    batch = queries.public_batch_or_404(code)
    response = JsonResponse(queries.batch_document(batch), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="homeward-batch-{batch.code}.json"'
    return response


@require_safe
def batch_file(request, code, pk, variant="file"):
    """A photo or document of a public batch (or of the team's own batch): streamed from disk, or a signed,
    expiring address on object storage (private files: config/storage.py). Shared caches keep only a public
    batch's files (not those the team sees of its unpublished batch, or of a batch whose project went offline)."""
    batch = queries.viewable_batch_or_404(request.user, code)
    attachment = get_object_or_404(Attachment, pk=pk, entry__batch=batch)
    stored = attachment.preview if variant == "preview" and attachment.preview else attachment.file
    content_type = "image/jpeg" if stored is attachment.preview else attachment.content_type
    if content_type not in SERVED_TYPES:
        raise Http404
    storage = stored.storage
    if hasattr(storage, "bucket_name"):  # object storage: the browser fetches the file with a signed URL
        return HttpResponseRedirect(storage.url(stored.name))
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    disposition = "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{attachment.sha256[:16]}.{stored.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400" if queries.batch_is_public(batch) else "private, no-store"
    return response


@require_safe
def digest_list(request):
    """Every digest, newest first, a page at a time (one a day: a year is three pages and none falls off)."""
    page = Paginator(Digest.objects.order_by("-day").defer("payload"), DIGESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "traceability/digests.html",
        {
            "digests": page.object_list,
            "page": page,
            "key_id": signing.key_id(),
            "public_key": signing.public_key_base64(),
        },
    )


@require_safe
def digest_detail(request, day):
    digest = get_object_or_404(Digest, day=day)
    payload = json.loads(digest.payload)
    # Digests signed before they listed public batches only, or a batch withdrawn since: the page lists the codes
    # that are public now (the signed file cannot change without breaking its signature).
    shown = queries.public_codes_among(code for code, _entries, _head in payload["chains"])
    chains = [item for item in payload["chains"] if item[0] in shown]
    return render(
        request,
        "traceability/digest.html",
        {
            "digest": digest,
            "payload": payload,
            "chains": chains[:500],
            "more": max(0, len(chains) - 500),
        },
    )


@json_endpoint("GET")
def digest_json(request, day):
    try:
        day = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    digest = get_object_or_404(Digest, day=day)
    response = JsonResponse(digests.published_document(digest), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="homeward-digest-{digest.day:%Y-%m-%d}.json"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def public_key_pem(request):
    response = HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="homeward-trace-public-key.pem"'
    return response


@require_safe
def how_it_works(request):
    latest = Digest.objects.order_by("-day").first()
    context = {
        "key_id": signing.key_id(),
        "public_key": signing.public_key_base64(),
        "latest": latest,
        "retention_days": settings.TRACE_RAW_RETENTION_DAYS,
    }
    return render(request, "traceability/how_it_works.html", context)


@json_endpoint("GET")
def project_readings(request, project_id):
    """The latest public values of a public project's devices (a page catching up after its socket was down)."""
    project = public_projects().filter(pk=project_id).first()
    if project is None:
        raise Http404
    body = {"project_id": project_id, "devices": []}
    for device in queries.public_devices(project):
        latest = queries.latest_readings(device, device.public_measures)
        body["devices"].append(
            {"device_id": device.pk, "latest": {code: [at.isoformat(), value] for code, (at, value) in latest.items()}}
        )
    body["at"] = timezone.now().isoformat()
    return JsonResponse(body)
