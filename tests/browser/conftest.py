import pytest
from django.conf import settings

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# One Playwright per file, not per session: its sync API keeps an event loop running in the test thread while it is
# open, and async_to_sync refuses to run beside one. With two processes a file of websocket tests may follow a
# browser file in the same process.
@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=settings.CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _serve_asgi(django_db_blocker):
    """Start daphne serving the real ASGI application in a child process; returns (process, its address)."""
    from functools import partial

    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()
    process = DaphneProcess(
        "127.0.0.1",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=django_db_blocker.unblock,  # the child serves requests: it may use the test database
    )
    process.start()
    if not process.ready.wait(timeout=30):
        process.terminate()
        raise RuntimeError("daphne did not start: " + (str(process.errors.get()) if not process.errors.empty() else ""))
    return process, f"http://127.0.0.1:{process.port.value}"


def _stop(process):
    process.terminate()
    process.join(timeout=10)


def _let_the_server_finish_with_the_database(django_db_blocker, timeout=10.0):
    """Wait until no other session on the test database is running a statement or holds a transaction open (the
    live server finishing a request, a websocket consumer saving on disconnect), then end any that still does.

    The flush that ends a transactional test truncates every table in one statement; a server transaction still
    writing to two of those tables deadlocked with it (test_realtime's conversation test, now and then). The server
    opens a connection per request and closes it after (CONN_MAX_AGE 0), so ending one loses nothing."""
    import time

    from django.db import connection

    busy = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend' AND state <> 'idle'"
    )
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        deadline = time.monotonic() + timeout
        while True:
            cursor.execute(busy)
            pids = [row[0] for row in cursor.fetchall()]
            if not pids or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(scope="session")
def _asgi_server(django_db_setup, django_db_blocker):
    process, address = _serve_asgi(django_db_blocker)
    yield address
    _stop(process)


@pytest.fixture
def asgi_live_server(_asgi_server, django_db_blocker):
    """The real ASGI application (HTTP and websockets, Redis channel layer) served by daphne in a child process.

    pytest-django's live_server speaks WSGI only; pages that use websockets need this one. The child is forked
    after the parent closed its database connections, so both use the test database without sharing a socket.
    The server lives for the session; this fixture is per test so that its teardown, which runs before the flush,
    lets the server finish with the database first.
    """
    yield _asgi_server
    _let_the_server_finish_with_the_database(django_db_blocker)


@pytest.fixture(scope="module")
def _demo_asgi_server(django_db_setup, django_db_blocker):
    """asgi_live_server as `make run` without Stripe keys configures it: the demo checkout on, no Stripe key, the
    demo's webhook secret. The child is forked inside the override, so it keeps these settings; this process
    does not."""
    from django.test import override_settings

    with override_settings(
        PAYMENTS_GATEWAY="demo",
        STRIPE_SECRET_KEY="",
        STRIPE_WEBHOOK_SECRET=settings.DEMO_STRIPE_WEBHOOK_SECRET,
    ):
        process, address = _serve_asgi(django_db_blocker)
    yield address
    _stop(process)


@pytest.fixture
def demo_asgi_live_server(_demo_asgi_server, django_db_blocker):
    """The demo server of this file (see _demo_asgi_server); like asgi_live_server, it finishes with the database
    before the flush."""
    yield _demo_asgi_server
    _let_the_server_finish_with_the_database(django_db_blocker)
