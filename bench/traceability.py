"""Traceability figures on PostgreSQL: readings ingestion through the real API view, the project page's chart query
over 90 days, and the verification of a 10,000-record chain.

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/traceability.py [--devices 100] [--rounds 10] [--chain 10000]

Makes its own database `homeward_bench_trace` (dropped and made again each run), migrates it and loads the demo
content (one project listing is enough), then:

1. ingestion: `--devices` devices each post `--rounds` batches of 60 one-minute readings (as a gateway that posts
   once an hour) through `traceability.views.api.post_readings` (token check, rate limit in Redis, parsing,
   INSERT … ON CONFLICT, pending hours, live event, alert rules), requests in turn from one process; readings/s.
   Baseline: the same rows stored by `storage.store_readings` alone (no HTTP, no checks).
2. chart query: 90 days of one-minute readings of 4 measures on one device (518,400 rows), aggregates refreshed,
   then `charts.series_for(device, 4 measures, "quarter")` timed (median, p95). Baseline: the "day" range (raw rows).
3. chain: a batch of `--chain` records (hashes computed as append_entry computes them, rows bulk-inserted),
   `queries.verify_batch(..., check_files=False, use_cache=False)` timed.
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


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def setup_django(arguments):
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        sys.exit('bench/traceability.py needs PostgreSQL and Redis: eval "$(scripts/services env)" first')
    os.environ["DATABASE_URL"] = fresh_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["TRACE_DEVICE_REQUESTS_PER_MINUTE"] = "1000000"  # the bench posts far faster than a device may
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
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


def bench_ingestion(user, listing, devices, rounds):
    from django.test import RequestFactory

    from traceability import actions, measures, storage
    from traceability.views.api import post_readings

    factory = RequestFactory()
    registered = [
        actions.register_device(
            user, listing, name=f"bench {n}", township=listing.project.township, measure_codes=["water_temperature"]
        )
        for n in range(devices)
    ]
    now = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0)
    total, elapsed = 0, 0.0
    for round_number in range(rounds):
        start = now - datetime.timedelta(hours=rounds - round_number + 1)
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
    # Baseline: the same volume stored directly, on fresh times.
    number = measures.BY_CODE["water_temperature"].number
    baseline_elapsed = 0.0
    for round_number in range(rounds):
        start = now - datetime.timedelta(days=3, hours=rounds - round_number)
        rows = [(number, start + datetime.timedelta(minutes=i), 20.0 + i % 7) for i in range(60)]
        for device, _token in registered:
            started = time.perf_counter()
            storage.store_readings(device.pk, rows)
            baseline_elapsed += time.perf_counter() - started
    print(
        f"ingestion: {devices} devices × {rounds} batches of 60 = {total:,} readings through the API view in "
        f"{elapsed:.1f} s: {total / elapsed:,.0f} readings/s ({devices * rounds / elapsed:,.0f} requests/s); "
        f"store_readings alone: {total / baseline_elapsed:,.0f} readings/s"
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
    samples = {}
    for range_key in ("quarter", "day"):
        times = []
        for _ in range(25):
            began = time.perf_counter()
            series = charts.series_for(device, codes, range_key)
            times.append((time.perf_counter() - began) * 1000)
        assert all(s.points for s in series.values())
        samples[range_key] = summary(times[5:])
    for range_key, figures in samples.items():
        print(f"chart query {range_key} (4 measures): median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms")


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
    arguments = parser.parse_args()
    setup_django(arguments)
    print(f"load average: {os.getloadavg()[0]:.1f}")
    user, listing = team_and_listing()
    bench_ingestion(user, listing, arguments.devices, arguments.rounds)
    bench_chain(user, listing, arguments.chain)
    bench_chart(user, listing)
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
