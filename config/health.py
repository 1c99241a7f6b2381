"""/healthz: what each service this process depends on says right now.

The database is the only hard dependency; a failing search engine, cache, channel
layer or payment set-up degrades one feature, so it reports "degraded" and
answers 200 (the process still serves every page: keep it in rotation), while a
failing database answers 503. Every check is bounded by CHECK_TIMEOUT_SECONDS, so a
hung service cannot make the probe itself time out.

Anyone sees only the status; which service fails and why is for staff, for the
bearer token METRICS_TOKEN (a monitor), and on a DEBUG server.
"""

import asyncio
import hmac
import time

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.staff import reaches_an_admin
from payments import stripe_api
from search.engines import engine_status

CHECK_TIMEOUT_SECONDS = 2


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # a health check reports every failure rather than raising it
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _channel_layer():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "CHANNEL_LAYERS is not configured"}

    async def round_trip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        return await layer.receive(channel)

    message = async_to_sync(asyncio.wait_for)(round_trip(), CHECK_TIMEOUT_SECONDS)
    return {"ok": message.get("type") == "health.ping", "backend": type(layer).__name__}


def _cache():
    """Asks Redis itself (core.cache would quietly answer from memory while Redis is down)."""
    backend = type(caches["default"]).__name__
    get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if get_client is None:  # the in-process cache of a single `make run`
        return {"ok": True, "backend": backend}
    get_client(write=True).ping()  # bounded by the cache's socket timeouts (CACHES OPTIONS)
    return {"ok": True, "backend": backend}


def _may_see_details(request):
    if settings.DEBUG or reaches_an_admin(getattr(request, "user", None)):
        return True
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(settings.METRICS_TOKEN) and hmac.compare_digest(supplied, settings.METRICS_TOKEN)


def _payments():
    return {"ok": True, "gateway": settings.PAYMENTS_GATEWAY, **stripe_api.configuration_summary()}


@never_cache
@require_safe
def healthz(request):
    checks = {
        "database": _timed(_database),
        "search": _timed(engine_status),
        "cache": _timed(_cache),
        "channel_layer": _timed(_channel_layer),
        "payments": _timed(_payments),
    }
    if not checks["database"]["ok"]:
        status, http_status = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, http_status = "ok", 200
    else:
        status, http_status = "degraded", 200
    body = {"status": status, "checks": checks} if _may_see_details(request) else {"status": status}
    return JsonResponse(body, status=http_status, json_dumps_params={"ensure_ascii": False})
