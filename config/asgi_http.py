"""Django's ASGI handler with the middleware and the view run as one synchronous call, a few requests at a time,
each on a thread that outlives it.

Under Django's own ASGI handler, a synchronous view behind a mix of middleware crosses between the event loop and a
worker thread several times per request: into the first synchronous middleware, back out to the event loop for the
asynchronous-capable ones behind a synchronous one (RedirectMiddleware, Prometheus's last middleware, behind the
page cache's), and into a thread again for the view. Every view and middleware of this project can run
synchronously, so here the whole chain runs in one thread hop, as under WSGI.

And Django gives every request in flight a thread of its own: at 64 connections on two processes, 32 threads per
process took turns on one interpreter lock, and each request cost 40 % more CPU than one at a time (bench/load.py).
At most `WEB_CONCURRENT_REQUESTS` requests run at once in a process; the others wait in its event loop, which keeps
reading and writing sockets, websockets included (config/asgi.py routes them to Channels, untouched by this). The
calls that can block for long are bounded by their own timeouts (Stripe, Elasticsearch, the database pool).

Those requests run on that many threads kept for the process's life ("lanes"), not on threads started for each
request: Django's handler opens a thread-sensitive context per request, whose executor starts a thread, and whose
exit starts another to join it; and it hops to that thread three times (`request_started`, the view, the response's
close). Without them, two processes answered 1.9–2.0 times as many deliveries without a handler and 1.5–1.6
times as many payments, in runs alternating with the older code (bench/webhooks_server.py; bench/README.md,
eleventh session).
A lane is a thread-sensitive context's executor, as asgiref provides for this: everything of one request that runs
in a thread (the signals, the middleware and the view, and Channels' or the ORM's thread-sensitive calls beneath
them) runs on its lane's one thread, so thread-bound state (the database connection, returned to the pool when the
request finishes) is never shared by two requests at once. The body is read before a lane is taken, so a slow
upload holds none.
"""

import asyncio
import collections
import contextlib
import gc
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self._lanes = weakref.WeakKeyDictionary()  # per event loop (a server has one; tests make several)

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        """Django's `handle`, on a lane, with one thread hop where Django makes three.

        Django sends `request_started`, runs the view and closes the response (which sends `request_finished`) in
        three hops to the request's thread, and races the view against the client's disconnect. A response that is
        not streamed is whole when the view returns, so here it is closed in the same hop, and sent after the lane
        is free again; a streamed one keeps its lane until it is closed after its last chunk. A synchronous view
        cannot be stopped when the client goes away, so the race is left out: what the view did stands, and its
        response goes nowhere. The body is read before a lane is taken, so a slow upload holds none."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        lanes = self._lanes_of_this_loop()
        lane = await lanes.take()
        try:
            async with ThreadSensitiveContext(executor=lane):
                response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
                if response.streaming:
                    try:
                        await self._send_unless_gone(response, send)
                    finally:
                        await sync_to_async(response.close, thread_sensitive=True)()
                    return
        finally:
            lanes.give_back(lane)
            body_file.close()
        await self._send_unless_gone(response, send)

    async def _send_unless_gone(self, response, send):
        with contextlib.suppress(asyncio.CancelledError):  # the client went away meanwhile; Django ignores it too
            await self.send_response(response, send)

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    def _lanes_of_this_loop(self):
        loop = asyncio.get_running_loop()
        lanes = self._lanes.get(loop)
        if lanes is None:
            executors = [
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"web-lane-{number}")
                for number in range(settings.WEB_CONCURRENT_REQUESTS)
            ]
            lanes = self._lanes[loop] = Lanes(executors)
            weakref.finalize(loop, _shut_down, executors)
        return lanes


class Lanes:
    """Lanes handed out in the order they were asked for.

    An `asyncio.Queue` is not first come, first served under load: a lane put back wakes the longest waiter, but a
    request arriving before that waiter runs again takes the lane, and the waiter goes to the back of the line. With
    thirty requests waiting in a process, the unlucky ones waited twice (bench/load.py: p95 twice the median for every
    kind of request, in the server's own times). Here a lane put back goes straight to the longest waiter."""

    def __init__(self, lanes):
        self._free = collections.deque(lanes)
        self._waiters = collections.deque()

    async def take(self):
        if self._free:
            return self._free.popleft()  # nobody waits while a lane is free
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.cancelled():
                with contextlib.suppress(ValueError):  # give_back may have passed it over already
                    self._waiters.remove(waiter)
            else:  # handed a lane, then cancelled before it could run: the lane goes on to the next
                self.give_back(waiter.result())
            raise

    def give_back(self, lane):
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # not cancelled meanwhile
                waiter.set_result(lane)
                return
        self._free.append(lane)


def _shut_down(executors):
    for executor in executors:
        executor.shutdown(wait=False)


def http_application():
    """What django.core.asgi.get_asgi_application() returns, with the handler above."""
    import django

    django.setup(set_prefix=False)
    handler = SyncChainASGIHandler()
    if settings.WEB_PRELOAD_SEARCH:
        from search.analysis import load_dictionaries

        load_dictionaries()
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
