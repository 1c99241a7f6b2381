"""Django's ASGI handler with the middleware and the view run as one synchronous call, a few requests at a time.

Under Django's own ASGI handler, a synchronous view behind a mix of middleware crosses between the event loop and a
worker thread several times per request: into the first synchronous middleware, back out to the event loop for the
asynchronous-capable ones behind a synchronous one (RedirectMiddleware, Prometheus's last middleware, behind the
page cache's), and into a thread again for the view. Every view and middleware of this project can run
synchronously, so here the whole chain runs in one thread hop (the request's own thread, as Django picks it for
thread-sensitive code), as under WSGI.

And Django gives every request in flight a thread of its own: at 64 connections on two processes, 32 threads per
process took turns on one interpreter lock, and each request cost 40 % more CPU than one at a time (bench/load.py).
At most `WEB_CONCURRENT_REQUESTS` requests run at once in a process; the others wait in its event loop, which keeps
reading and writing sockets, websockets included (config/asgi.py routes them to Channels, untouched by this). The
calls that can block for long are bounded by their own timeouts (Stripe, Elasticsearch, the database pool).
"""

import asyncio
import gc
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self._slots = weakref.WeakKeyDictionary()  # per event loop (a server has one; tests make several)

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(settings.WEB_CONCURRENT_REQUESTS)
        async with slots:
            return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def http_application():
    """What django.core.asgi.get_asgi_application() returns, with the handler above."""
    import django

    django.setup(set_prefix=False)
    handler = SyncChainASGIHandler()
    tune_garbage_collector(settings.WEB_GC_FREEZE, settings.WEB_GC_THRESHOLDS)
    return handler


def tune_garbage_collector(freeze, thresholds):
    """Fewer and shorter pauses of the cyclic garbage collector in a web process.

    Each collection stops the whole process, and a full one walks every object alive: the modules, models, URL
    patterns and templates loaded at start (a few hundred thousand), which never become garbage. Under load, every
    request waiting in the process waited for those pauses too. Frozen, what is loaded by now is left out of every
    later scan; with higher thresholds, the young objects of a request are collected tens of times less often (most
    are freed by reference counting anyway). Reference cycles are still collected."""
    if freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(*thresholds)
