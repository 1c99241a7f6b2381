"""/metrics for Prometheus: this web process' metrics plus the system figures read from the database."""

import hmac

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from config.metrics import register_system_collector


@never_cache
def metrics_view(request):
    if settings.METRICS_TOKEN:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied, settings.METRICS_TOKEN):
            return HttpResponseForbidden("metrics need the bearer token (METRICS_TOKEN)\n")
    register_system_collector()
    return ExportToDjangoView(request)
