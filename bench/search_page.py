"""The search page through its view, many different queries, with and without the values kept per page (issue #23).

A page of search hits shows, for each project and story, its version in the reader's language and its card's
facts and picture (cms.page_cache.values_of_pages). Those are the same whatever query found the page, so a query
seen for the first time still reads them from the cache when earlier queries showed the same pages. This bench
times exactly that case: every query is asked once, never repeated, in the three languages, some with a filter.

Each query runs three times in turn in one process (Django's test client, production settings, DEBUG off, Redis,
Elasticsearch): with the page cache on but no value kept per page (the baseline: every hit's values computed, as
before; the menu and long lists still kept per site), with the values kept, and with the page cache off. The cache
is emptied at the start, so the kept figures include the requests that computed what later ones read. Printed:
median, p95 and mean queries per request of each, the ratio to the baseline, and the load average.

Runs on the database of bench/load.py (`homeward_load`, the demo content): run that once first.

    eval "$(scripts/services env)"
    .venv/bin/python bench/search_page.py [--queries 150] [--seed 5]
"""

import argparse
import os
import random
import re
import sys
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local_cluster import cluster_environment  # noqa: E402

RUN_DIR = Path(f"/tmp/homeward-load-{os.getuid()}")  # noqa: S108 (bench/load.py's run folder)
_environment = cluster_environment(RUN_DIR, "homeward_load", {"DJANGO_STATIC_ROOT": str(RUN_DIR / "static")})
os.environ.clear()
os.environ.update(_environment, LOG_LEVEL="ERROR")

import django  # noqa: E402

django.setup()

from unittest import mock  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.timing import percentile  # noqa: E402

HAN = re.compile(r"[\u3400-\u9fff]{2,}")
LATIN = re.compile(r"[A-Za-z]{4,}")
FILTERS = ["kind=projects", "kind=stories", "sector=agriculture", "funding_type=donation", "county=10013"]


def sample_queries(count, seed):
    """Words people would type, taken from the live pages' titles and summaries: two or three Chinese characters
    from a run of Han characters, or an English word; a fifth of them with a filter. Distinct, in random order."""
    from wagtail.models import Page

    rng = random.Random(seed)
    texts = [
        f"{title} {search_description}"
        for title, search_description in Page.objects.live()
        .filter(depth__gte=3)
        .values_list("title", "search_description")
    ]
    words = set()
    for text in texts:
        for run in HAN.findall(text):
            start = rng.randrange(len(run) - 1)
            words.add(run[start : start + rng.choice((2, 3))])
        words.update(word.lower() for word in LATIN.findall(text))
    words = sorted(words)
    rng.shuffle(words)
    queries = []
    for number, word in enumerate(words[:count]):
        language = ("zh-hant", "en", "ja")[number % 3]
        extra = f"&{rng.choice(FILTERS)}" if rng.random() < 0.2 else ""
        queries.append(f"/{language}/search/?q={word}{extra}")
    return queries


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()

    urls = sample_queries(options.queries, options.seed)
    client = Client()
    for language in ("zh-hant", "en", "ja"):  # the process's first render of each language is not timed
        client.get(f"/{language}/search/?q=warm", HTTP_HOST="127.0.0.1")
    cache.clear()
    modes = {
        "computed": ("values computed (baseline)", True, lambda kind, ids, compute: compute(list(dict.fromkeys(ids)))),
        "kept": ("values kept per page", True, None),
        "off": ("page cache off", False, None),
    }
    samples = {mode: [] for mode in modes}
    queries = {mode: [] for mode in modes}
    hits = 0
    cards = []  # per URL, the result cards shown
    for url in urls:
        for mode, (_label, enabled, replacement) in modes.items():
            patch = mock.patch("cms.page_cache.values_of_pages", replacement) if replacement else nullcontext()
            with override_settings(PAGE_CACHE_ENABLED=enabled), patch, CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(url, HTTP_HOST="127.0.0.1")
                samples[mode].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries[mode].append(len(captured.captured_queries))
            if mode == "kept":
                cards.append(response.content.count(b'<article class="result-card">'))
                hits += cards[-1]
    load = os.getloadavg()
    print(f"search page, {len(urls)} different queries (zh-hant, en, ja; a fifth filtered), each once per mode")
    print(f"result cards shown: {hits} ({hits / len(urls):.1f} per page)")
    print(f"{'mode':<32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p50 × baseline':>15}")
    baseline = percentile(samples["computed"], 0.5)
    for mode, (label, _enabled, _replacement) in modes.items():
        print(
            f"{label:<32} {percentile(samples[mode], 0.5):>8.1f} {percentile(samples[mode], 0.95):>8.1f} "
            f"{sum(queries[mode]) / len(urls):>8.1f} {percentile(samples[mode], 0.5) / baseline:>14.2f}×"
        )
    full = [index for index, count in enumerate(cards) if count >= 10]
    if full:
        print(f"the {len(full)} pages with 10 or more cards:")
        baseline = percentile([samples["computed"][index] for index in full], 0.5)
        for mode, (label, _enabled, _replacement) in modes.items():
            chosen = [samples[mode][index] for index in full]
            print(
                f"{label:<32} {percentile(chosen, 0.5):>8.1f} {percentile(chosen, 0.95):>8.1f} "
                f"{sum(queries[mode][index] for index in full) / len(full):>8.1f} "
                f"{percentile(chosen, 0.5) / baseline:>14.2f}×"
            )
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
