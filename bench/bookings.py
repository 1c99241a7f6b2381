"""200 people booking the last 10 places of a slot at once: exactly 10 get a place, the rest are waitlisted.

Uses its own database `homeward_bench_bookings` on the PostgreSQL server of DATABASE_URL (dropped and made again
on each run), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/bookings.py [--bookings 200] [--free 10] [--threads 100]

A slot with 50 places of which 40 are already booked; `--bookings` people, each with their own database
connection from a pool of `--threads` threads released together by a barrier, call the real action
(experiences.actions.book: the slot's row lock, the count, the booking, the audit entry). Printed: how many got a
place, how many were waitlisted, the places held on the slot afterwards (never above its 50), the wall time and
the median and p95 of one booking. PostgreSQL's max_connections (200 in scripts/services) bounds the threads.
"""

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "homeward_bench_bookings"


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--free", type=int, default=10, help="places still free on the slot")
    parser.add_argument("--threads", type=int, default=100)
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        DATABASE_URL=fresh_database(url),
        LOG_LEVEL="WARNING",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    for name in ("REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts import actions as account_actions
    from accounts.models import Organisation, User
    from bench.timing import summary
    from core.actions import ActionRefused
    from experiences import actions
    from experiences.models import Booking, Experience
    from places.actions import load_townships
    from places.models import Township

    print("migrating the bench database…", flush=True)
    call_command("migrate", verbosity=0)
    load_townships()
    organiser = User.objects.create_user("organiser@example.tw", "a-long-bench-passphrase")
    office = account_actions.create_organisation(organiser, kind=Organisation.Kind.COMMUNITY, name="坪林社區發展協會")
    experience = actions.create_experience(
        organiser,
        office,
        kind=Experience.Kind.EXPERIENCE,
        title_zh="坪林採茶體驗",
        description_zh="跟著茶農上山採茶、學做包種茶。",
        township=Township.objects.order_by("code").first(),
        is_published=True,
    )
    capacity = 50
    start = timezone.now() + timedelta(days=5)
    slot = actions.add_slot(
        organiser, experience, starts_at=start, ends_at=start + timedelta(hours=3), capacity=capacity
    )
    earlier = User.objects.bulk_create(User(email=f"early{n}@example.tw") for n in range(capacity - options.free))
    Booking.objects.bulk_create(
        Booking(slot=slot, person=person, status=Booking.Status.CONFIRMED) for person in earlier
    )
    people = User.objects.bulk_create(User(email=f"p{n}@example.tw") for n in range(options.bookings))
    connection.close()

    barrier = threading.Barrier(min(options.threads, options.bookings))
    durations, outcomes, errors = [], [], []
    lock = threading.Lock()
    local = threading.local()

    def one(person):
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()  # every thread's first booking starts together
        began = time.perf_counter()
        try:
            booking = actions.book(person, slot)
            result = booking.status
        except ActionRefused as refused:
            result = f"refused: {refused.message}"
        except Exception as error:  # reported, not hidden
            with lock:
                errors.append(repr(error))
            result = "error"
        elapsed = time.perf_counter() - began
        with lock:
            durations.append(elapsed)
            outcomes.append(result)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=options.threads) as pool:
        list(pool.map(one, people))
    wall = time.perf_counter() - started

    confirmed = outcomes.count(Booking.Status.CONFIRMED)
    waitlisted = outcomes.count(Booking.Status.WAITLISTED)
    held = slot.bookings.holding_a_place().count()
    print(f"{options.bookings} concurrent bookings ({options.threads} threads) for the last {options.free} places:")
    print(f"  got a place:     {confirmed}  (must be exactly {options.free})")
    print(f"  waitlisted:      {waitlisted}")
    print(f"  other outcomes:  {len(outcomes) - confirmed - waitlisted}  {sorted(set(errors))[:3]}")
    print(f"  places held now: {held} of {capacity}")
    print(f"  wall time:       {wall * 1000:.0f} ms")
    figures = summary([duration * 1000 for duration in durations])
    print(f"  one booking:     median {figures['median']:.0f} ms, p95 {figures['p95']:.0f} ms (n={figures['n']})")
    if confirmed != options.free or held != capacity:
        sys.exit("OVERSOLD OR UNDERSOLD")


if __name__ == "__main__":
    main()
