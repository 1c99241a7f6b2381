"""HTTP through config.asgi: the middleware chain and the view run as one synchronous call, at most
WEB_CONCURRENT_REQUESTS at once per process (config/asgi_http.py)."""

import asyncio
import threading
import time

import pytest
from asgiref.sync import ThreadSensitiveContext
from channels.testing import HttpCommunicator

from config.asgi import application, django_asgi_app
from config.asgi_http import SyncChainASGIHandler, tune_garbage_collector

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_middleware_chain_is_synchronous():
    assert isinstance(django_asgi_app, SyncChainASGIHandler)
    assert not asyncio.iscoroutinefunction(django_asgi_app._middleware_chain)


def _get(path, headers=()):
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"127.0.0.1"), *headers])
    return asyncio.run(communicator.get_response(timeout=30))


def test_pages_errors_and_redirects_answer_through_asgi(home_pages):
    assert _get("/healthz")["status"] == 200
    page = _get("/en/")
    assert page["status"] == 200 and b'<html lang="en"' in page["body"]
    assert _get("/en/no-such-page/")["status"] == 404
    assert _get("/")["status"] in (301, 302)


def test_at_most_the_configured_number_of_requests_run_at_once(settings):
    settings.WEB_CONCURRENT_REQUESTS = 2
    handler = SyncChainASGIHandler()
    running, most, lock = [0], [0], threading.Lock()

    def slow_response(request):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return request

    handler.get_response = slow_response

    async def one(number):
        async with ThreadSensitiveContext():  # as ASGIHandler.__call__ serves each request: a thread of its own
            return await handler.get_response_async(number)

    async def six_at_once():
        return await asyncio.gather(*(one(number) for number in range(6)))

    began = time.monotonic()
    assert asyncio.run(six_at_once()) == list(range(6))
    assert most[0] == 2
    assert time.monotonic() - began >= 0.15, "three rounds of two"


def test_the_garbage_collector_leaves_what_was_loaded_at_start_out_and_collects_young_objects_less_often():
    import gc

    before = gc.get_threshold()
    try:
        tune_garbage_collector(True, (50000, 50, 100))
        assert gc.get_threshold() == (50000, 50, 100)
        assert gc.get_freeze_count() > 10_000, "the modules, models and URL patterns loaded so far"

        class Cycle:
            pass

        cycle = Cycle()
        cycle.self = cycle
        del cycle
        assert gc.collect() >= 1, "a reference cycle made later is still collected"
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
