"""Traceability figures on PostgreSQL: readings ingestion through the real API view, the project page's chart query
over 90 days, the verification of a 10,000-record chain, and the live update from a posted reading to an open page.

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/traceability.py [--devices 100] [--rounds 10] [--chain 10000]

Makes its own database `homeward_bench_trace` (dropped and made again each run unless `--reuse-database`), migrates
it and loads the demo content (one project listing is enough), then:

1. ingestion: `--devices` devices each post `--rounds` batches of 60 one-minute readings (as a gateway that posts
   once an hour) through `traceability.views.api.post_readings` (token check, rate limit in Redis, parsing,
   INSERT … ON CONFLICT, pending hours, live event, alert rules), requests in turn from one process; readings/s.
   Baseline: the same rows stored by `storage.store_readings` alone (no HTTP, no checks); a second pass posts for
   devices that have an alert rule (rules locked and moved in a transaction).
2. chart query: 90 days of one-minute readings of 4 measures on one device (518,400 rows), aggregates refreshed
   (as the scheduled job does), then `charts.series_for(device, 4 measures, "quarter")` timed (median, p95): the
   page's 90-day chart, from the daily aggregates. Baselines in the same run (`charts.series_from`): the same 90
   days from the hourly aggregates (one point per 6 hours) and from the raw readings (no aggregates at all); and
   the 24-hour chart (raw readings, one point per 5 minutes).
3. chain: a batch of `--chain` records (hashes computed as append_entry computes them, rows bulk-inserted),
   `queries.verify_batch(..., check_files=False, use_cache=False)` timed.
4. live update: a websocket on the project page's room (/ws/trace/projects/<id>/, the real ASGI application and
   consumer, in this process, through the Redis channel layer); a reading posted through the API view; time from
   the post to the event received by the socket (median, p95 of `--live` posts).
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "homeward_bench_trace"


def fresh_database(url, reuse=False):
    """The bench database's URL; dropped and made again unless `reuse` and it exists. True when it is new."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone()
        made = not (reuse and exists)
        if made:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}")), made


def setup_django(arguments):
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.exit('bench/traceability.py needs PostgreSQL and Redis: eval "$(scripts/services env)" first')
    os.environ["DATABASE_URL"], made = fresh_database(os.environ["DATABASE_URL"], reuse=arguments.reuse_database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["TRACE_DEVICE_REQUESTS_PER_MINUTE"] = "1000000"  # the bench posts far faster than a device may
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if made:
        call_command("load_demo", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.0f} s")


def team_and_listing():
    from accounts.models import Role, User
    from marketplace.models import ProjectListing

    listing = ProjectListing.objects.select_related("project", "enterprise__organisation").first()
    user, _ = User.objects.get_or_create(email="bench@homeward.test", defaults={"display_name": "bench"})
    listing.enterprise.organisation.memberships.get_or_create(user=user, defaults={"role": Role.OWNER})
    return user, listing


def rows_of(start, count, measure_codes):
    return [
        {"measure": code, "at": (start + datetime.timedelta(minutes=index)).isoformat(), "value": 20 + index % 7}
        for code in measure_codes
        for index in range(count // len(measure_codes))
    ]


def backend_cpu_seconds():
    """CPU seconds (user + system) this process's PostgreSQL backend has used (it runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post_all(factory, registered, rounds, hours_back):
    from traceability.views.api import post_readings

    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    total, elapsed = 0, 0.0
    for round_number in range(rounds):
        start = now - datetime.timedelta(hours=hours_back + rounds - round_number + 1)
        body = json.dumps({"readings": rows_of(start, 60, ["water_temperature"])})
        for _device, token in registered:
            request = factory.post(
                "/api/trace/readings/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            started = time.perf_counter()
            response = post_readings(request)
            elapsed += time.perf_counter() - started
            assert response.status_code == 201, response.content
            total += 60
    return total, elapsed


def bench_ingestion(user, listing, devices, rounds):
    from django.test import RequestFactory

    from traceability import actions, measures, storage

    factory = RequestFactory()
    registered = [
        actions.register_device(
            user, listing, name=f"bench {n}", township=listing.project.township, measure_codes=["water_temperature"]
        )
        for n in range(devices)
    ]
    cpu_started, backend_started = time.process_time(), backend_cpu_seconds()
    total, elapsed = _post_all(factory, registered, rounds, hours_back=0)
    # CPU spent by this process (Django, the view) and its PostgreSQL backend: what the posts cost on an idle
    # machine, whatever else the machine is running.
    cpu = time.process_time() - cpu_started + backend_cpu_seconds() - backend_started
    # Baseline: the same volume stored directly, on fresh times.
    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    number = measures.BY_CODE["water_temperature"].number
    baseline_elapsed = 0.0
    baseline_cpu = time.process_time(), backend_cpu_seconds()
    for round_number in range(rounds):
        start = now - datetime.timedelta(days=3, hours=rounds - round_number)
        rows = [(number, start + datetime.timedelta(minutes=i), 20.0 + i % 7) for i in range(60)]
        for device, _token in registered:
            started = time.perf_counter()
            storage.store_readings(device.pk, rows)
            baseline_elapsed += time.perf_counter() - started
    baseline_cpu = time.process_time() - baseline_cpu[0] + backend_cpu_seconds() - baseline_cpu[1]
    # The same posts for devices with an alert rule (never crossed): rules locked and moved in a transaction.
    for device, _token in registered:
        actions.add_alert_rule(user, device, measure="water_temperature", minimum=0.0, maximum=40.0)
    ruled_total, ruled_elapsed = _post_all(factory, registered, rounds, hours_back=2 * rounds + 2)
    api_rate, baseline_rate = total / elapsed, total / baseline_elapsed
    print(
        f"ingestion: {devices} devices × {rounds} batches of 60 = {total:,} readings through the API view in "
        f"{elapsed:.1f} s: **{api_rate:,.0f} readings/s** ({devices * rounds / elapsed:,.0f} requests/s, "
        f"{elapsed * 1000 / (devices * rounds):.1f} ms a request at load {os.getloadavg()[0]:.1f}; CPU of this "
        f"process and its PostgreSQL backend: {cpu * 1000 / (devices * rounds):.1f} ms a request, "
        f"{total / cpu:,.0f} readings per CPU-second); store_readings alone: {baseline_rate:,.0f} "
        f"readings/s, {total / baseline_cpu:,.0f} per CPU-second (the API at {api_rate / baseline_rate:.2f}× the "
        f"bare insert's rate, {baseline_cpu / cpu:.2f}× its CPU efficiency); devices with an alert rule: "
        f"{ruled_total / ruled_elapsed:,.0f} readings/s"
    )


def bench_chart(user, listing):
    from bench.timing import summary
    from traceability import actions, charts, storage

    codes = ["water_temperature", "dissolved_oxygen", "ph", "salinity"]
    device, _token = actions.register_device(
        user, listing, name="bench chart", township=listing.project.township, measure_codes=codes, public_codes=codes
    )
    from traceability.measures import BY_CODE

    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    start = now - datetime.timedelta(days=90)
    started = time.perf_counter()
    for day in range(90):
        day_start = start + datetime.timedelta(days=day)
        rows = [
            (BY_CODE[code].number, day_start + datetime.timedelta(minutes=m), 5.0 + (m % 60) / 10)
            for code in codes
            for m in range(1440)
        ]
        storage.store_readings(device.pk, rows)
    stored = time.perf_counter() - started
    started = time.perf_counter()
    while storage.refresh_aggregates(limit=5000):
        pass
    aggregated = time.perf_counter() - started
    print(f"chart data: 518,400 readings stored in {stored:.0f} s, aggregates refreshed in {aggregated:.0f} s")
    from traceability.models import ReadingAggregate

    span = datetime.timedelta(days=90)
    variants = {
        "90 days from the daily aggregates (the page)": lambda: charts.series_for(device, codes, "quarter"),
        "90 days from the hourly aggregates, 6-hour points": lambda: charts.series_from(
            device, codes, span=span, resolution=ReadingAggregate.Resolution.HOUR, step=datetime.timedelta(hours=6)
        ),
        "90 days from the raw readings, 6-hour points": lambda: charts.series_from(
            device, codes, span=span, resolution=None, step=datetime.timedelta(hours=6)
        ),
        "24 hours from the raw readings, 5-minute points": lambda: charts.series_for(device, codes, "day"),
    }
    samples = {}
    for name, function in variants.items():
        times = []
        for _ in range(25):
            began = time.perf_counter()
            series = function()
            times.append((time.perf_counter() - began) * 1000)
        assert all(s.points for s in series.values()), name
        samples[name] = summary(times[5:])
    page = samples[next(iter(variants))]
    for name, figures in samples.items():
        print(
            f"chart query, {name} (4 measures): median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms "
            f"({figures['median'] / page['median']:.1f}× the page's median)"
        )


def bench_live(user, listing, posts):
    """Time from a reading posted through the API view to the event on a socket of the project page's room."""
    import asyncio
    import queue
    import threading

    from channels.testing import WebsocketCommunicator
    from django.test import RequestFactory

    from bench.timing import summary
    from config.asgi import application
    from traceability import actions
    from traceability.views.api import post_readings

    device, token = actions.register_device(
        user,
        listing,
        name="bench live",
        township=listing.project.township,
        measure_codes=["water_temperature"],
        public_codes=["water_temperature"],
    )
    received, ready = queue.Queue(), threading.Event()
    expected = posts + 3  # one event a post (the first three warm the connections)

    async def listen():
        communicator = WebsocketCommunicator(
            application,
            f"/ws/trace/projects/{listing.project_id}/",
            headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
        )
        connected, _ = await communicator.connect(timeout=10)
        assert connected, "the socket was refused"
        ready.set()
        for _ in range(expected):
            # (A receive that times out cancels the application in Channels' test communicator: wait long.)
            text = await communicator.receive_from(timeout=30)
            received.put((time.perf_counter(), json.loads(text)))
        await communicator.disconnect()

    thread = threading.Thread(target=lambda: asyncio.run(listen()), daemon=True)
    thread.start()
    assert ready.wait(15), "the socket did not connect"
    factory = RequestFactory()
    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    latencies, request_times = [], []
    for index in range(expected):
        at = now - datetime.timedelta(minutes=expected - index)
        body = json.dumps({"readings": [{"measure": "water_temperature", "at": at.isoformat(), "value": 25.0}]})
        request = factory.post(
            "/api/trace/readings/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        started = time.perf_counter()
        response = post_readings(request)
        answered = time.perf_counter()
        assert response.status_code == 201, response.content
        arrived, message = received.get(timeout=10)
        assert message["payload"]["latest"]["water_temperature"][0] == at.isoformat()
        if index >= 3:  # the first posts warm the connections
            latencies.append((arrived - started) * 1000)
            request_times.append((answered - started) * 1000)
    thread.join(10)
    figures, answer = summary(latencies), summary(request_times)
    print(
        f"live update, reading posted → event on the page's socket ({posts} posts, Redis channel layer): median "
        f"{figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms (the API's own answer: median "
        f"{answer['median']:.1f} ms)"
    )


def bench_chain(user, listing, length):
    from django.utils import timezone

    from traceability import actions, chain, queries
    from traceability.models import Batch, Entry

    batch = actions.create_batch(user, listing, name="bench chain", product="bench")
    township = listing.project.township
    now = timezone.now().replace(microsecond=0)
    previous = chain.GENESIS
    entries = []
    for sequence in range(1, length + 1):
        occurred = now - datetime.timedelta(minutes=length - sequence + 1)
        entry = Entry(
            batch=batch,
            sequence=sequence,
            kind="note",
            occurred_at=occurred,
            township=township,
            performed_by="bench",
            description=f"record {sequence}",
            details={},
            recorded_at=occurred,
        )
        content = actions.entry_content_of(entry, [], None)
        entry.content_hash = chain.content_hash(content)
        entry.previous_hash = previous
        entry.entry_hash = previous = chain.link_hash(previous, entry.content_hash)
        entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=2000)
    Batch.objects.filter(pk=batch.pk).update(entry_count=length, head_hash=previous)
    batch.refresh_from_db()
    times = []
    for _ in range(5):
        began = time.perf_counter()
        result = queries.verify_batch(batch, check_files=False, use_cache=False)
        times.append(time.perf_counter() - began)
        assert result.intact, result.report.problems[:3]
    print(f"chain of {length:,} records verified (read + recompute): best {min(times):.2f} s, worst {max(times):.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--chain", type=int, default=10_000)
    parser.add_argument("--live", type=int, default=30)
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep the bench database of an earlier run (no 4-minute set-up)"
    )
    arguments = parser.parse_args()
    setup_django(arguments)
    print(f"load average: {os.getloadavg()[0]:.1f}")
    user, listing = team_and_listing()
    bench_ingestion(user, listing, arguments.devices, arguments.rounds)
    bench_chain(user, listing, arguments.chain)
    bench_live(user, listing, arguments.live)
    bench_chart(user, listing)
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
