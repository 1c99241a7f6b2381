"""Stripe webhook deliveries per second through real ASGI servers: two daphne processes, concurrent deliveries.

What bench/webhooks.py measures in one process with Django's test client, measured the way production serves it:
production settings (DEBUG off, persistent database connections, Redis for the cache and the channel layer, the
database task queue), two `daphne config.asgi:application` processes (one per core of this 2-core machine, as
production would run them behind its proxy), and a client process posting signed events over keep-alive HTTP
connections from several threads at once, alternating between the two servers. The clients, both servers,
PostgreSQL and Redis share the same two cores, so the figure is what the whole machine does, not one server.

Uses its own database `homeward_bench_webhooks` (dropped and made again) and Redis database 9 of REDIS_URL:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/webhooks_server.py [--events 1000] [--clients 8]

Figures: events/s for events without a handler (baseline), checkout.session.completed (a donation's payment,
receipt number, running totals, progress announcement), invoice.paid, and the checkout events again
(duplicates); then a duplicate storm: new donations whose checkout events are each sent --storm times at once,
shuffled across the servers and client connections, so that first deliveries race each other in different
processes (the rate counts every delivery). At the end it checks that every payment was recorded exactly once,
that receipt numbers run without gaps and that the project's totals equal its entries.
"""

import argparse
import base64
import http.client
import json
import os
import queue
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import uvicorn_command  # noqa: E402
from bench.webhooks import SECRET, build, fresh_database, invoice, session  # noqa: E402
from tests.factories.stripe import sign, stripe_event  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"daphne on port {port} did not answer /healthz within {seconds} s")


def server_command(server, port):
    if server == "uvicorn":
        return uvicorn_command(port)
    return [str(ROOT / ".venv/bin/daphne"), "-v", "0", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]


def deliver_concurrently(payloads, ports, clients):
    """Post every payload once from `clients` threads, each on its own keep-alive connection; returns seconds."""

    work = queue.Queue()
    for payload in payloads:
        work.put(payload)
    failures = []
    start = threading.Barrier(clients + 1)

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", ports[number % len(ports)], timeout=60)
        start.wait()
        while True:
            try:
                payload = work.get_nowait()
            except queue.Empty:
                break
            connection.request(
                "POST",
                "/stripe/webhook/",
                body=payload,
                headers={
                    "Content-Type": "application/json",
                    "Stripe-Signature": sign(payload, SECRET),
                    "X-Forwarded-Proto": "https",  # as the TLS-terminating proxy says
                },
            )
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                failures.append((response.status, body[:200]))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} deliveries failed, e.g. {failures[:3]}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--servers", type=int, default=2, help="web processes")
    parser.add_argument(
        "--server",
        choices=["daphne", "uvicorn"],
        default="daphne",
        help="daphne (production) or uvicorn (httptools, no websockets) for comparison",
    )
    parser.add_argument("--storm", type=int, default=4, help="copies of each event in the duplicate storm")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    redis = os.environ.get("REDIS_URL", "")
    if not url.startswith("postgres") or not redis:
        sys.exit('DATABASE_URL (PostgreSQL) and REDIS_URL must be set: run eval "$(scripts/services env)" first.')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=fresh_database(url),
        REDIS_URL=urlunsplit(urlsplit(redis)._replace(path="/9")),
        LOG_LEVEL="WARNING",
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 (never used to call Stripe here)
        STRIPE_WEBHOOK_SECRET=SECRET,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # What production settings require since this bench was written (the same values as deploy/local_cluster).
        TRACE_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_SECURE_SSL_REDIRECT="0",
        SITE_BASE_URL="http://127.0.0.1",
        SITE_BASE_URL_ALLOW_LOCAL="1",
        MEDIA_STORAGE="s3",
        AWS_S3_ENDPOINT_URL=os.environ.get("S3_TEST_ENDPOINT_URL", ""),
        AWS_ACCESS_KEY_ID=os.environ.get("S3_TEST_ACCESS_KEY_ID", ""),
        AWS_SECRET_ACCESS_KEY=os.environ.get("S3_TEST_SECRET_ACCESS_KEY", ""),
        AWS_STORAGE_BUCKET_NAME="homeward-bench-webhooks",
    )
    for name in ("ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from payments import ledger
    from payments.models import Backing, LedgerEntry

    call_command("migrate", verbosity=0)
    cache.clear()
    listing, plan = build()
    count = options.events
    donations = Backing.objects.bulk_create(
        Backing(kind="donation", listing=listing, amount_twd=500, backer_email=f"d{n}@example.tw") for n in range(count)
    )
    subscriptions = Backing.objects.bulk_create(
        Backing(
            kind="subscription",
            status="active",
            listing=listing,
            plan=plan,
            amount_twd=plan.price_twd,
            backer_email=f"s{n}@example.tw",
            stripe_subscription_id=f"sub_bench_{n}",
        )
        for n in range(count)
    )
    events = {
        "no handler (baseline)": [
            stripe_event("customer.created", {"id": f"cus_{n}", "object": "customer"}) for n in range(count)
        ],
        "checkout.session.completed": [stripe_event("checkout.session.completed", session(b)) for b in donations],
        "invoice.paid": [stripe_event("invoice.paid", invoice(b, n)) for n, b in enumerate(subscriptions)],
    }
    events["duplicates of the checkout events"] = events["checkout.session.completed"]
    stormed = Backing.objects.bulk_create(
        Backing(kind="donation", listing=listing, amount_twd=500, backer_email=f"storm{n}@example.tw")
        for n in range(count)
    )
    storm = [stripe_event("checkout.session.completed", session(b)) for b in stormed] * options.storm
    random.Random(23).shuffle(storm)
    events[f"duplicate storm (each event ×{options.storm} at once)"] = storm

    ports = [free_port() for _ in range(options.servers)]
    servers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter's server, fixed arguments)
            server_command(options.server, port),
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_until_up(port)
        deliver_concurrently(  # warm up every server thread and connection
            [json.dumps(stripe_event("customer.created", {"id": f"w{n}"})) for n in range(40)], ports, options.clients
        )
        load = os.getloadavg()
        rows = {
            name: deliver_concurrently([json.dumps(event) for event in batch], ports, options.clients)
            for name, batch in events.items()
        }
        after = os.getloadavg()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    assert LedgerEntry.objects.count() == 3 * count, "every payment recorded exactly once"
    assert set(LedgerEntry.objects.values_list("backing_id", flat=True)) == {
        b.pk for b in (*donations, *subscriptions, *stormed)
    }, "every payment recorded"
    expected_raised = 500 * 2 * count + plan.price_twd * count
    assert ledger.totals_for_project(listing.project_id) == ledger.Totals(expected_raised, 3 * count)
    numbers = sorted(
        int(number.rsplit("-", 1)[1]) for number in LedgerEntry.objects.values_list("receipt_number", flat=True)
    )
    assert numbers == list(range(1, 3 * count + 1)), "receipt numbers run without gaps"

    baseline_rate = count / rows["no handler (baseline)"]
    print(
        f"{count} signed deliveries each over HTTP to {options.servers} {options.server} processes "
        f"(production settings), {options.clients} concurrent client connections, PostgreSQL + Redis, "
        f"all on this {os.cpu_count()}-core machine"
    )
    print("load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(*load, *after))
    print(f"{'events':<36} {'events/s':>10} {'× baseline rate':>16}")
    for name, seconds in rows.items():
        rate = len(events[name]) / seconds
        print(f"{name:<36} {rate:>10.0f} {rate / baseline_rate:>16.2f}")
    print("checked: every payment recorded once, receipt numbers without gaps, totals equal to the entries")


if __name__ == "__main__":
    main()
