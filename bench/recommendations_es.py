"""Company recommendations at scale: top 20 with 100,000 projects on Elasticsearch, 10,000 on the database engine.

Issue 5, Figures: p95 under 50 ms on Elasticsearch (100,000 projects) and under 200 ms on the database engine
(10,000), on this 2-core machine. In one run, on its own database `homeward_bench` (dropped and made again) and
its own Elasticsearch index prefix (`homeward-bench-recs`):

1. 10,000 projects are written in bulk as bench/recommendations.py writes them (same generator), with the same
   company; recommend_projects() is timed with the database engine (candidates from `_candidate_ids`).
2. 90,000 more projects are added the same way (100,000), and their search documents are indexed into a new
   Elasticsearch index through the rebuild path (ElasticsearchEngine.rebuild: analysis, parallel bulk, alias
   swap). The documents are made here from a few bulk queries, not by ProjectFamily.to_document: that reads each
   page's URL, translations, funding facts and text one page at a time, hours for 100,000 pages. They carry the
   fields the recommendation query reads (township, county, sector, SDGs, priority area, publication, investment
   ask, latest update dates, backers from the ledger) and the title; no body text.
3. Checks the Elasticsearch candidates equal the database's at 100,000, and the whole top 20 (projects, scores,
   reasons) is the same with either engine and with the baseline; then times the Elasticsearch candidate query
   alone (through our code, next to the node's own `took`), the whole recommend_projects() on Elasticsearch, and
   the baseline (bench/recommendations_baseline.py: every project with backers scored in Python, as before the
   candidate step counted backers) in the same process, with the ratio.

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT, HOMEWARD_ES_PORT etc. exported
    .venv/bin/python bench/recommendations_es.py [--projects 100000] [--database-projects 10000] [--repeat 100]

`--keep` leaves the database and the index behind; `--reuse` then times step 3 again on them without rebuilding
(the database engine is not timed: the database holds all the projects).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INDEX_PREFIX = "homeward-bench-recs"
BASELINE = "baseline: every backed project in Python"


def load():
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def search_documents():
    """The projects' search documents, from bulk queries (see the module docstring)."""
    from collections import defaultdict

    from cms.actions import default_locale
    from cms.models import ProjectPage, ProjectUpdate
    from cms.public import public_projects
    from payments.ledger import backers_by_project
    from search.documents import LATEST_UPDATES_KEPT, SearchDocument

    sdgs = defaultdict(list)
    for project_id, number in ProjectPage.sdgs.through.objects.values_list(
        "projectpage_id", "sustainabledevelopmentgoal__number"
    ):
        sdgs[project_id].append(str(number))
    updates = defaultdict(list)
    for project_id, date in ProjectUpdate.objects.order_by("project_id", "-date").values_list("project_id", "date"):
        if len(updates[project_id]) < LATEST_UPDATES_KEPT:
            updates[project_id].append(date)
    backers = backers_by_project()  # as ProjectFamily.to_document indexes them (the ledger's count)
    rows = (
        public_projects()
        .filter(locale=default_locale())
        .values_list(
            "pk",
            "title",
            "township__code",
            "township__name_zh",
            "township__county__code",
            "township__county__name_zh",
            "township__is_priority_area",
            "sector__slug",
            "first_published_at",
            "listing__seeks_investment",
            "listing__ask_min_twd",
            "listing__ask_max_twd",
        )
    )
    documents = []
    for (
        pk,
        title,
        township,
        township_name,
        county,
        county_name,
        priority,
        sector,
        published,
        seeks,
        low,
        high,
    ) in rows.iterator(chunk_size=5000):
        ask_low = ask_high = None
        if seeks and (high or low):  # as ProjectFamily.to_document: no maximum means the minimum
            ask_low, ask_high = low or 0, high or low
        documents.append(
            SearchDocument(
                family="projects",
                object_id=str(pk),
                title=title,
                county=county,
                county_name=county_name,
                township=township,
                township_name=township_name,
                sector=[sector] if sector else [],
                sdg=sdgs.get(pk, []),
                priority_area=priority,
                published_at=published,
                ask_low=ask_low,
                ask_high=ask_high,
                update_dates=updates.get(pk, []),
                backers=backers.get(pk, 0),
            )
        )
    return documents


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--database-projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="leave the database and the index for --reuse")
    parser.add_argument("--reuse", action="store_true", help="time again on the data a --keep run left")
    options = parser.parse_args()

    from urllib.parse import urlsplit, urlunsplit

    from bench.recommendations import BENCH_DATABASE, fresh_database

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("ELASTICSEARCH_URL"):
        sys.exit('DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL are needed: run eval "$(scripts/services env)".')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=(
            urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}")) if options.reuse else fresh_database(url)
        ),
        LOG_LEVEL="WARNING",
        # Index changes of the set-up go to the database engine only; Elasticsearch is filled by the rebuild below.
        SEARCH_ENGINE="database",
        SEARCH_INDEX_PREFIX=INDEX_PREFIX,
        SEARCH_TIMEOUT_SECONDS="30",
    )
    for name in ("REDIS_URL", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench.recommendations import add_projects, make_company, prepare
    from bench.recommendations_baseline import backed_in_python_recommend_projects
    from bench.timing import measure, print_table, summary
    from marketplace.matching import (
        CANDIDATE_MARGIN,
        _candidate_ids,
        _CompanyFacts,
        _search_candidate_ids,
        _search_factors,
        recommend_projects,
    )
    from payments.ledger import backers_by_project
    from search.documents import StaticFamily
    from search.engines import elasticsearch_client
    from search.es import ElasticsearchEngine, alias_name
    from search.recommend import candidate_request

    def use(engine):
        settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine}

    def line(name, samples):
        figures = summary(samples)
        print(f"  {name:<58} median {figures['median']:7.1f} ms   p95 {figures['p95']:7.1f} ms   (n={figures['n']})")

    print(f"start: {load()}")
    engine = ElasticsearchEngine()
    if options.reuse:
        from marketplace.models import CompanyProfile

        company = CompanyProfile.objects.get(organisation__slug="company")
        print("data: reused from the last --keep run")
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        world = prepare()
        add_projects(world, options.database_projects)
        company = make_company(world)
        seconds = time.perf_counter() - started
        print(f"data: {options.database_projects:,} public projects in PostgreSQL ({seconds:.0f} s)")

        use("database")
        print(f"database engine, {options.database_projects:,} projects ({load()}):")
        rows = {
            BASELINE: measure(lambda: backed_in_python_recommend_projects(company), options.repeat),
            "recommend_projects() top 20": measure(lambda: recommend_projects(company), options.repeat),
        }
        for name, samples in rows.items():
            line(name, samples)
        print_table(rows, BASELINE)

        started = time.perf_counter()
        add_projects(world, options.projects - options.database_projects)
        print(f"data: {options.projects:,} public projects in PostgreSQL (+{time.perf_counter() - started:.0f} s)")
        started = time.perf_counter()
        documents = search_documents()
        made = time.perf_counter() - started
        count, seconds = engine.rebuild(StaticFamily("projects", documents))
        print(
            f"Elasticsearch: {count:,} documents made in {made:.0f} s, indexed in {seconds:.0f} s "
            f"({count / seconds:,.0f} docs/s, rebuild path)"
        )

    use("elasticsearch")
    now = timezone.now()
    facts = _CompanyFacts(company, now)
    count = 20 + CANDIDATE_MARGIN
    started = time.perf_counter()
    from_database = _candidate_ids(facts, count)
    database_ms = (time.perf_counter() - started) * 1000
    same_candidates = _search_candidate_ids(facts, count) == from_database
    top = [(r.project.pk, r.score, r.reasons) for r in recommend_projects(company, now=now)]
    use("database")
    same_top = top == [(r.project.pk, r.score, r.reasons) for r in recommend_projects(company, now=now)]
    use("elasticsearch")
    before = [(r.project.pk, r.score, r.reasons) for r in backed_in_python_recommend_projects(company, now=now)]
    print(f"same {count} candidates as the database at {options.projects:,}: {same_candidates}")
    print(f"same top 20 (projects, scores, reasons) with either engine: {same_top}; best score {top[0][1]}")
    print(f"same top 20 as the baseline (every backed project scored in Python): {top == before}")
    backed_in_top = len(backers_by_project([pk for pk, _score, _reasons in top]))
    print(f"projects with backers among the top 20: {backed_in_top}")
    print(f"(the database's candidate query alone at {options.projects:,}: {database_ms:.0f} ms, once)")

    client = elasticsearch_client()
    request = candidate_request(_search_factors(facts), count)
    took = []

    def node_only():
        took.append(client.search(index=alias_name("projects"), **request)["took"])

    print(f"Elasticsearch, {options.projects:,} projects ({load()}):")
    line(
        "candidate query through our code (best 30 ids)",
        measure(lambda: _search_candidate_ids(facts, count), options.repeat),
    )
    measure(node_only, options.repeat, warmup=0)
    line("the node's own `took` for that query", took)
    rows = {
        BASELINE: measure(lambda: backed_in_python_recommend_projects(company), options.repeat),
        "recommend_projects() top 20": measure(lambda: recommend_projects(company), options.repeat),
    }
    for name, samples in rows.items():
        line(name, samples)
    print_table(rows, BASELINE)
    print(f"end: {load()}")
    if not options.keep:
        engine.drop("projects")


if __name__ == "__main__":
    main()
