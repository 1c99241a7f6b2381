"""HTTP through config.asgi: the middleware chain and the view run as one synchronous call, at most
WEB_CONCURRENT_REQUESTS at once per process, on threads kept for the process (config/asgi_http.py)."""

import asyncio
import threading
import time

import pytest
from channels.testing import HttpCommunicator
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import request_finished, request_started
from django.http import HttpResponse, StreamingHttpResponse

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


async def _call(handler, path="/", body=b""):
    """One request through the handler as a server makes it; returns the response's messages."""
    scope = {
        "type": "http",
        "method": "POST" if body else "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
    }
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent = []

    async def receive():
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # a server says http.disconnect only when the client goes

    async def send(message):
        sent.append(message)

    await handler(scope, receive, send)
    return sent


@pytest.fixture
def one_lane_handler(settings):
    settings.WEB_CONCURRENT_REQUESTS = 1
    return SyncChainASGIHandler()


def test_at_most_the_configured_number_of_requests_run_at_once_each_on_a_lane_kept_for_the_process(settings):
    settings.WEB_CONCURRENT_REQUESTS = 2
    handler = SyncChainASGIHandler()
    running, most, threads, lock = [0], [0], set(), threading.Lock()

    def slow_response(request):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return HttpResponse(request.path)

    handler.get_response = slow_response

    async def six_at_once():
        return await asyncio.gather(*(_call(handler, f"/{number}/") for number in range(6)))

    began = time.monotonic()
    answers = asyncio.run(six_at_once())
    assert [messages[1]["body"] for messages in answers] == [f"/{number}/".encode() for number in range(6)]
    assert most[0] == 2
    assert time.monotonic() - began >= 0.15, "three rounds of two"
    assert len(threads) == 2, "six requests on the same two threads, none started for a request"


def test_a_request_starts_runs_and_finishes_on_its_lane_thread(one_lane_handler):
    """request_started and request_finished close the database connection of the thread that ran the view."""
    handler = one_lane_handler
    seen = []

    def view_thread(request):
        seen.append(("view", threading.get_ident()))
        return HttpResponse("ok")

    def started(**kwargs):
        seen.append(("started", threading.get_ident()))

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident()))

    handler.get_response = view_thread
    request_started.connect(started)
    request_finished.connect(finished)
    try:
        messages = asyncio.run(_call(handler))
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert [kind for kind, _ in seen] == ["started", "view", "finished"]
    assert len({thread for _, thread in seen}) == 1
    assert threading.get_ident() not in {thread for _, thread in seen}, "not on the event loop's thread"
    assert messages[0]["status"] == 200 and messages[1]["body"] == b"ok"


def test_a_streamed_response_is_closed_after_its_last_chunk_on_its_lane(one_lane_handler):
    handler = one_lane_handler
    closed_on = []

    class Streamed(StreamingHttpResponse):
        def close(self):
            closed_on.append(threading.get_ident())
            super().close()

    def chunks():
        yield b"one,"
        yield b"two"

    lane_threads = []

    def streaming_view(request):
        lane_threads.append(threading.get_ident())
        return Streamed(chunks())

    handler.get_response = streaming_view
    messages = asyncio.run(_call(handler))
    assert b"".join(message.get("body", b"") for message in messages[1:]) == b"one,two"
    assert closed_on == lane_threads, "closed once, by the thread that ran the view"


def test_a_failing_view_answers_500_and_frees_its_lane(one_lane_handler, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    handler = one_lane_handler
    handler._middleware_chain = convert_exception_to_response(_broken_view)

    async def twice():
        first = await _call(handler)
        return first, await asyncio.wait_for(_call(handler), timeout=10)  # waits forever if the lane was kept

    first, second = asyncio.run(twice())
    assert first[0]["status"] == 500 and second[0]["status"] == 500


def _broken_view(request):
    raise RuntimeError("broken on purpose")


def test_a_posted_body_reaches_the_view():
    handler = SyncChainASGIHandler()
    handler.get_response = lambda request: HttpResponse(request.body[::-1])
    messages = asyncio.run(_call(handler, body=b"abc"))
    assert messages[1]["body"] == b"cba"


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


def test_a_web_process_loads_the_search_dictionaries_as_it_starts(settings, monkeypatch):
    """Loaded in the first search instead, they held its lane for seconds while the process's other requests
    waited, and stayed out of what the garbage collector's freeze leaves alone."""
    import gc

    import search.analysis
    import search.lexicon
    from config.asgi_http import http_application

    before = gc.get_threshold()
    settings.WEB_GC_FREEZE = False
    try:
        for preload in (False, True):
            settings.WEB_PRELOAD_SEARCH = preload
            monkeypatch.setattr(search.analysis._segmenter, "_tokenizer", None)
            monkeypatch.setattr(search.lexicon, "_cedict", None)
            http_application()
            assert (search.analysis._segmenter._tokenizer is not None) is preload
            assert (search.lexicon._cedict is not None) is preload
    finally:
        gc.set_threshold(*before)
