"""/healthz: what each service this process depends on says right now.

The database is the only hard dependency; a failing search engine, channel
layer or payment set-up degrades one feature, so it reports "degraded" and
answers 200, while a failing database answers 503.
"""

import time

from asgiref.sync import async_to_sync
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from payments import stripe_api
from search.engines import engine_status


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

    message = async_to_sync(round_trip)()
    return {"ok": message.get("type") == "health.ping", "backend": type(layer).__name__}


def _payments():
    return {"ok": True, **stripe_api.configuration_summary()}


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": _timed(_database),
        "search": _timed(engine_status),
        "channel_layer": _timed(_channel_layer),
        "payments": _timed(_payments),
    }
    if not checks["database"]["ok"]:
        status, http_status = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, http_status = "ok", 200
    else:
        status, http_status = "degraded", 200
    return JsonResponse(
        {"status": status, "checks": checks}, status=http_status, json_dumps_params={"ensure_ascii": False}
    )
