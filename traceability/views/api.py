"""POST /api/trace/readings/: devices post readings in batches (see traceability/README.md, "Device API").

Authorization: Bearer <device token>. Answers JSON: 201 {"received", "stored", "duplicates"}; 400 with a reason
for each refused reading (nothing stored); 401 for a missing, wrong, replaced or revoked token; 413 for a batch
too large; 429 with Retry-After when the device posts more often than TRACE_DEVICE_REQUESTS_PER_MINUTE.
"""

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.json_api import json_endpoint
from traceability import ingest
from traceability.ratelimit import check_device_rate


def _refusal(refused):
    response = JsonResponse(refused.as_json(), status=refused.status, json_dumps_params={"ensure_ascii": False})
    if refused.retry_after:
        response["Retry-After"] = str(refused.retry_after)
    if refused.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="homeward-devices"'
    return response


@csrf_exempt  # devices authenticate with their token, never with a browser's cookie
@json_endpoint("POST")
def post_readings(request):
    try:
        device = ingest.authenticate(request.headers.get("Authorization"))
        decision = check_device_rate(device.pk)
        if not decision.allowed:
            raise ingest.IngestRefused(
                429,
                "rate_limited",
                _("This device may post %(limit)d times a minute; wait %(seconds)d seconds and send the batch again.")
                % {"limit": decision.limit, "seconds": decision.retry_after},
                retry_after=decision.retry_after,
            )
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested past the parser
            raise ingest.IngestRefused(400, "bad_json", _("The body is not JSON.")) from None
        rows = ingest.parse_readings(device, payload)
        result = ingest.ingest(device, rows)
    except ingest.IngestRefused as refused:
        return _refusal(refused)
    return JsonResponse(
        {"received": result.received, "stored": result.stored, "duplicates": result.duplicates}, status=201
    )
