"""How often an anonymous reader meets a render rather than a stored copy, over time, with and without the warm-up.

The page cache's hit costs 0.1× a plain page and a render 1.5–6× (bench/cms_pages.py); what a reader meets depends
on how often a copy is stale or gone when they come: after a publish, after a copy's lifetime, for a page read
rarely. This bench replays reads with time compressed: every page of the site in every language, read by
popularity (Zipf, exponent 1: the home pages first, then a fixed random order), at a steady rate, while projects
and stories are published (Wagtail's own publish, in the reading process) and payments move projects' money
(`cms.page_cache.project_money_changed`, what the ledger calls after a payment), and a real worker
(`manage.py run_worker`, another process) runs the tasks. The copies' lifetime is PAGE_CACHE_SECONDS = --lifetime;
the default 30 s stands for the production 600 s, so every rate below is twenty times the real one (the worker,
though, works at its own speed: compressed time gives it twenty times less time than it would have).

Two runs of the same length, each after a settling period of one lifetime and the stale bound (--stale,
PAGE_CACHE_STALE_SECONDS: with the warm-up, a copy past its lifetime whose generations stand is served while a
worker renders it again): the warm-up off, then on (PAGE_CACHE_WARMING). Prints per run: reads, the share served
as a stored copy (hit), as one past its lifetime (stale), as the copy from before a publish while the worker renders
the new one (previous), with its money filled again (refilled) and rendered (miss: rendered and stored; other:
rendered and not stored), the median, p95 and p99 of a read, the worker's CPU seconds and the page copies in Redis
at the end (with their bytes); then where the renders fall by popularity and by kind of page. The run with the
warm-up starts as a day does: the worker renders the most read pages and every page kept all day
(`cms.tasks.warm_pages_of_the_day`, the midnight job), while the reads go on. With --site-change-every, the footer
every page shows is saved that often (the menus' settings: `cms.page_cache.site_changed`), which makes every copy
stale and has the worker render the most read pages and those kept all day again.

    eval "$(scripts/services env)"
    .venv/bin/python bench/cms_pages.py --postgres --repeat 3     # builds homeward_bench_cms_pages, once
    .venv/bin/python bench/reads_over_time.py [--seconds 90] [--reads-per-second 40] [--lifetime 30] [--stale 180]
        [--site-change-every 0]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "homeward_bench_cms_pages"
# Popularity bands (by rank, 0 the most read): where the renders readers meet fall.
RANK_BANDS = [("the 10 most read pages", 10), ("ranks 11–100", 100), ("ranks 101–1,000", 1000), ("the rest", 10**9)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90, help="measured seconds per run (after settling)")
    parser.add_argument("--reads-per-second", type=float, default=40)
    parser.add_argument("--lifetime", type=int, default=30, help="PAGE_CACHE_SECONDS of the runs")
    parser.add_argument(
        "--stale", type=int, help="PAGE_CACHE_STALE_SECONDS of the runs (default: six lifetimes, as 3,600 s to 600 s)"
    )
    parser.add_argument("--publish-every", type=float, default=6.0, help="seconds between publishes")
    parser.add_argument("--payment-every", type=float, default=1.0, help="seconds between payments")
    parser.add_argument(
        "--site-change-every",
        type=float,
        default=0,
        help="seconds between changes every page shows (the footer saved: cms.page_cache.site_changed); 0: none",
    )
    parser.add_argument("--seed", type=int, default=23)
    options = parser.parse_args()
    options.stale = options.lifetime * 6 if options.stale is None else options.stale

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit('DATABASE_URL (PostgreSQL) and REDIS_URL needed: run eval "$(scripts/services env)" first.')
    for name in ("ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE", "TASKS_BACKEND"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        DATABASE_URL=url.rsplit("/", 1)[0] + f"/{DATABASE}",
        LOG_LEVEL="WARNING",
        PAGE_CACHE_ENABLED="true",
        PAGE_CACHE_SECONDS=str(options.lifetime),
        PAGE_CACHE_STALE_SECONDS=str(options.stale),
    )
    import django

    django.setup()
    from django.db import connection

    try:
        connection.ensure_connection()
    except Exception as error:  # noqa: BLE001 - any failure to reach it means the same thing here
        sys.exit(f"{DATABASE} is not there ({error}): run bench/cms_pages.py --postgres once first.")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").delete()  # the build's backlog (reference index): not this bench's

    plan = reading_plan(random.Random(options.seed))
    print(
        f"{len(plan.urls)} pages (every language), {options.reads_per_second:g} reads/s, a publish every "
        f"{options.publish_every:g} s, a payment every {options.payment_every:g} s, "
        + (f"a change every page shows every {options.site_change_every:g} s, " if options.site_change_every else "")
        + f"copies live {options.lifetime} s "
        f"(served stale up to {options.stale} s more with the warm-up); {options.seconds:g} s measured per run after "
        f"{options.lifetime + options.stale} s of settling"
    )
    results = {}
    for warming in (False, True):
        results[warming] = run(plan, options, warming, random.Random(options.seed + 1))
    print(
        f"\n{'warm-up':<8} {'reads':>6} {'hit':>6} {'stale':>6} {'previous':>9} {'refilled':>9} {'miss':>6} "
        f"{'other':>6} "
        f"{'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'worker CPU s':>13} {'copies in Redis':>16}"
    )
    for warming, result in results.items():
        shares = {state: 100 * count / result["reads"] for state, count in result["served"].items()}
        print(
            f"{'on' if warming else 'off':<8} {result['reads']:>6} {shares.get('hit', 0):>5.1f}% "
            f"{shares.get('stale', 0):>5.1f}% {shares.get('previous', 0):>8.1f}% "
            f"{shares.get('refilled', 0):>8.1f}% {shares.get('miss', 0):>5.1f}% {shares.get('other', 0):>5.1f}% "
            f"{result['median']:>10.2f} {result['p95']:>8.2f} {result['p99']:>8.2f} {result['mean']:>8.2f} "
            f"{result['worker_cpu']:>13.1f} {result['stored'][0]:>6} ({result['stored'][1] / 2**20:.0f} MB)"
        )
    print("\nreads rendered (miss or other) by the page's popularity: rendered / reads")
    print_rendered(results, "rendered_by_band", [(band, band[0]) for band in RANK_BANDS])
    print("\nreads rendered (miss or other) by kind of page: rendered / reads")
    kinds = sorted({kind for result in results.values() for kind in result["rendered_by_kind"]})
    print_rendered(results, "rendered_by_kind", [(kind, kind) for kind in kinds])
    if results[True]["day_start"]:
        print(f"\nthe day's warm-up (warm-up on, its worker): {results[True]['day_start']}")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def print_rendered(results, field, rows):
    for row, label in rows:
        cells = []
        for warming, result in results.items():
            rendered, reads = result[field].get(row, (0, 0))
            share = 100 * rendered / reads if reads else 0.0
            cells.append(f"warm-up {'on' if warming else 'off'}: {rendered:>5} / {reads:<5} ({share:4.1f}%)")
        print(f"  {label:<24} " + "   ".join(cells))


class ReadingPlan:
    def __init__(self, urls, kinds, cumulative, projects, stories):
        self.urls, self.kinds, self.cumulative, self.projects, self.stories = urls, kinds, cumulative, projects, stories


def reading_plan(rng):
    """Every live page's URL, most read first (the home pages, then a fixed random order), with Zipf weights; the
    project and story pages (Chinese originals) that the run publishes."""
    from wagtail.models import Page

    from cms.models import HomePage, ProjectPage, StoryPage

    pages = list(Page.objects.live().filter(depth__gt=1).specific(defer=True))
    homes = [page for page in pages if isinstance(page, HomePage)]
    others = [page for page in pages if not isinstance(page, HomePage)]
    rng.shuffle(others)
    urls = [page.url for page in homes + others]
    kinds = [type(page).__name__ for page in homes + others]
    cumulative, total = [], 0.0
    for rank in range(1, len(urls) + 1):
        total += 1 / rank
        cumulative.append(total)
    projects = list(ProjectPage.objects.live().filter(locale__language_code="zh-hant").order_by("pk"))
    stories = list(StoryPage.objects.live().filter(locale__language_code="zh-hant").order_by("pk"))
    return ReadingPlan(urls, kinds, cumulative, projects, stories)


def run(plan, options, warming, rng):
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django_tasks_db.models import DBTaskResult

    from cms import page_cache
    from cms.page_warming import SITE_CHANGE_PAGES
    from cms.tasks import warm_pages_of_the_day

    cache.clear()
    navigation = site_navigation()
    worker = start_worker(options, warming)
    client = Client(HTTP_HOST="localhost")
    served, samples, by_band, by_kind, day_start = {}, [], {}, {}, None
    try:
        with override_settings(PAGE_CACHE_WARMING=warming):
            if warming:  # the day starts (scheduling.jobs: warm_pages_of_the_day at midnight)
                day_start = warm_pages_of_the_day.enqueue(SITE_CHANGE_PAGES).id
            started = time.monotonic()
            settle_until = started + options.lifetime + options.stale  # the oldest copy a run can serve
            end = settle_until + options.seconds
            next_read = next_publish = next_payment = started
            every = options.site_change_every
            next_site_change = started + every if every else float("inf")
            reads = 0
            while True:
                now = time.monotonic()
                if now >= end:
                    break
                if now >= next_publish:
                    next_publish += options.publish_every
                    page = rng.choice(plan.projects if rng.random() < 0.8 else plan.stories)
                    page.save_revision().publish()
                    continue
                if now >= next_payment:
                    next_payment += options.payment_every
                    page_cache.project_money_changed([rng.choice(plan.projects).pk])
                    continue
                if now >= next_site_change:
                    next_site_change += every
                    navigation.footer_note = f"頁尾 {now:.0f}"
                    navigation.save()  # the menus' and footer's settings: every page is stale
                    continue
                if now < next_read:
                    time.sleep(min(next_read, next_publish, next_payment, next_site_change) - now)
                    continue
                next_read += 1 / options.reads_per_second
                rank = rng.choices(range(len(plan.urls)), cum_weights=plan.cumulative)[0]
                url = plan.urls[rank]
                before = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - before) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code}")
                if now >= settle_until:
                    state = response.get("X-Page-Cache") or "other"
                    served[state] = served.get(state, 0) + 1
                    band = next(band for band in RANK_BANDS if rank < band[1])
                    by_band.setdefault(band, []).append(state in ("miss", "other"))
                    by_kind.setdefault(plan.kinds[rank], []).append(state in ("miss", "other"))
                    samples.append(elapsed)
                    reads += 1
        stored = stored_pages()
        if day_start:
            task = DBTaskResult.objects.get(id=day_start)
            day_start = f"{task.status}: {task.return_value or ''}"
    finally:
        worker_cpu = stop_worker(worker)
    ordered = sorted(samples)
    return {
        "reads": reads,
        "served": served,
        "median": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "p99": ordered[int(0.99 * (len(ordered) - 1))],
        "mean": statistics.fmean(ordered),
        "worker_cpu": worker_cpu,
        "stored": stored,
        "rendered_by_band": {band: (sum(rendered), len(rendered)) for band, rendered in by_band.items()},
        "rendered_by_kind": {kind: (sum(rendered), len(rendered)) for kind, rendered in by_kind.items()},
        "day_start": day_start,
    }


def site_navigation():
    from wagtail.models import Site

    from cms.models import NavigationSettings

    return NavigationSettings.for_site(Site.objects.get(is_default_site=True))


def stored_pages():
    """(page copies in Redis, their bytes): the stored pages and their copies with holes (MEMORY USAGE)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match="*cms:page:*", count=1000))
    copies = [key for key in keys if not key.endswith(b":with-holes")]
    return len(copies), sum(client.memory_usage(key) or 0 for key in keys)


def start_worker(options, warming):
    environment = {**os.environ, "PAGE_CACHE_WARMING": "true" if warming else "false"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(worker):
    """Stop the worker; its CPU seconds (user and system, from /proc)."""
    try:
        with open(f"/proc/{worker.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        cpu = float("nan")
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
    return cpu


if __name__ == "__main__":
    main()
