"""Time to rank 20 help requests for a person and 20 people for a help request, with 10,000 talent profiles and
10,000 open help requests, on PostgreSQL alone and with Elasticsearch candidates (people/matching.py,
search/matching_index.py).

Uses its own database `homeward_bench_people` on the PostgreSQL server of DATABASE_URL (dropped and made again on
each run) and, when ELASTICSEARCH_URL is set, its own matching index (prefix `homeward-bench-people`, dropped after),
so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT, HOMEWARD_ES_PORT etc. exported
    .venv/bin/python bench/people_matching.py [--profiles 10000] [--requests 10000] [--repeat 100]

Profiles get a random home township, 0–4 served townships, 1–3 fields, 0–2 sectors, a format, availability and
pro bono or a fee; requests a random township, field, sector, format and timeframe. Each timed run ranks for a
different person (or request), chosen at random; with Elasticsearch, the database engine and the Elasticsearch
candidates take turns on the same person (or request), so both meet the same load. Checks first that both give the
same top 20 (ids, scores, reasons) for 50 people and 50 requests. Prints median and p95 in milliseconds, the
Elasticsearch candidate query alone, the load average, and the top scores.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "homeward_bench_people"
INDEX_PREFIX = "homeward-bench-people"


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def build(profiles, requests, rng):
    from accounts.models import Organisation, User
    from cms.models import Sector
    from people.models import Field, HelpRequest, TalentProfile, WorkFormat, join_codes
    from places.actions import load_townships
    from places.models import Township

    load_townships()
    townships = list(Township.objects.values_list("pk", flat=True))
    sectors = [
        Sector.objects.get_or_create(
            slug=f"bench-{n}", defaults={"name_zh": f"產業{n}", "name_en": f"S{n}", "name_ja": f"S{n}"}
        )[0].pk
        for n in range(8)
    ]
    fields = [code for code in Field.values if code != Field.OTHER]
    formats = WorkFormat.values
    today = datetime.date.today()
    users = User.objects.bulk_create(
        [User(email=f"bench{n}@example.tw", display_name=f"P{n}", password="!") for n in range(profiles)],  # noqa: S106
        batch_size=2000,
    )
    rows = []
    for user in users:
        rows.append(
            TalentProfile(
                user=user,
                kind=rng.choice(TalentProfile.Kind.values),
                headline="bench",
                fields=join_codes(rng.sample(fields, rng.randint(1, 3))),
                home_township_id=rng.choice(townships),
                work_format=rng.choice(formats),
                available_from=today - datetime.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.5 else None,
                available_until=today + datetime.timedelta(days=rng.randint(30, 400)) if rng.random() < 0.5 else None,
                pro_bono=rng.random() < 0.4,
                fee_note="NT$1,000",
                visibility=rng.choice(TalentProfile.Visibility.values),
                contact_email=user.email,
            )
        )
    created = TalentProfile.objects.bulk_create(rows, batch_size=2000)
    served = TalentProfile.townships.through
    in_sector = TalentProfile.sectors.through
    served.objects.bulk_create(
        [
            served(talentprofile_id=profile.pk, township_id=township)
            for profile in created
            for township in rng.sample(townships, rng.randint(0, 4))
        ],
        batch_size=5000,
    )
    in_sector.objects.bulk_create(
        [
            in_sector(talentprofile_id=profile.pk, sector_id=sector)
            for profile in created
            for sector in rng.sample(sectors, rng.randint(0, 2))
        ],
        batch_size=5000,
    )
    organisation = Organisation.objects.create(kind="township_office", name="bench", slug="bench")
    help_requests = []
    for n in range(requests):
        starts = today + datetime.timedelta(days=rng.randint(1, 90))
        help_requests.append(
            HelpRequest(
                organisation=organisation,
                title=f"need {n}",
                description="bench",
                field=rng.choice(fields),
                sector_id=rng.choice(sectors) if rng.random() < 0.7 else None,
                township_id=rng.choice(townships),
                work_format=rng.choice(formats),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=rng.randint(7, 180)),
                budget_twd=rng.choice([None, 20000, 50000]),
                pro_bono=rng.random() < 0.3,
            )
        )
    HelpRequest.objects.bulk_create(help_requests, batch_size=2000)
    return organisation


def load():
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def timed(function):
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=fresh_database(url),
        LOG_LEVEL="WARNING",
        SEARCH_ENGINE="database",  # the set-up writes rows in bulk (no signals); the matching index is built after
        SEARCH_INDEX_PREFIX=INDEX_PREFIX,
        SEARCH_TIMEOUT_SECONDS="30",
    )
    with_elasticsearch = bool(os.environ.get("ELASTICSEARCH_URL"))
    for name in ("REDIS_URL", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone, translation

    from accounts.models import Membership, User
    from bench.timing import summary
    from people.matching import SEARCH_CANDIDATES, rank_people_for, rank_requests_for
    from people.models import HelpRequest, TalentProfile
    from people.queries import profile_audience
    from search import matching_index
    from search.engines import elasticsearch_client

    print(f"start: {load()}")
    rng = random.Random(19)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    organisation = build(options.profiles, options.requests, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    requester = User.objects.create(email="requester@example.tw", password="!")  # noqa: S106
    Membership.objects.create(user=requester, organisation=organisation, role="admin")
    print(
        f"data: {options.profiles} profiles, {options.requests} help requests "
        f"(built in {time.perf_counter() - started:.0f} s, PostgreSQL)"
    )
    profile_ids = list(TalentProfile.objects.values_list("pk", flat=True))
    request_ids = list(HelpRequest.objects.values_list("pk", flat=True))

    def person(pk):
        return TalentProfile.objects.select_related("home_township").get(pk=pk)

    def help_request(pk):
        return HelpRequest.objects.select_related("township").get(pk=pk)

    def use(engine):
        settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ENGINE": engine}

    directions = {
        "20 requests for a person": lambda pk: rank_requests_for(person(pk), limit=20),
        "20 people for a request": lambda pk: rank_people_for(help_request(pk), limit=20, visible_to=requester),
    }
    subjects = {"20 requests for a person": profile_ids, "20 people for a request": request_ids}
    engines = ["database"]
    if with_elasticsearch:
        count, seconds = matching_index.rebuild()
        print(f"matching index: {count:,} documents (profiles and open requests) in {seconds:.0f} s")
        engines.append("elasticsearch")
        with translation.override("en"):
            for name, rank in directions.items():
                same = 0
                for pk in rng.sample(subjects[name], 50):
                    use("database")
                    expected = [(m.obj.pk, m.score, m.parts) for m in rank(pk)]
                    use("elasticsearch")
                    same += [(m.obj.pk, m.score, m.parts) for m in rank(pk)] == expected
                print(f"same top 20 (ids, scores, reasons) from either path, {name}: {same}/50")

    print(f"{'ranking':<26} {'path':<34} {'n':>5} {'median ms':>10} {'p95 ms':>10}")
    for name, rank in directions.items():
        picks = [rng.choice(subjects[name]) for _ in range(options.repeat + 5)]
        samples = {engine: [] for engine in engines}
        for round_, pk in enumerate(picks):  # the paths take turns on the same subject; 5 rounds of warm-up
            for engine in engines:
                use(engine)
                started = time.perf_counter()
                rank(pk)
                if round_ >= 5:
                    samples[engine].append((time.perf_counter() - started) * 1000)
        for engine in engines:
            label = "database only" if engine == "database" else "Elasticsearch candidates + database"
            figures = summary(samples[engine])
            print(f"{name:<26} {label:<34} {figures['n']:>5} {figures['median']:>10.2f} {figures['p95']:>10.2f}")
    if with_elasticsearch:
        today = timezone.localdate()
        people = [person(pk) for pk in rng.sample(profile_ids, options.repeat)]
        requests = [help_request(pk) for pk in rng.sample(request_ids, options.repeat)]
        audience = profile_audience(requester)
        alone = {
            "requests for a person": summary(
                [timed(lambda p=p: matching_index.request_candidates(p, SEARCH_CANDIDATES, today)) for p in people]
            ),
            "people for a request": summary(
                [
                    timed(lambda r=r: matching_index.people_candidates(r, SEARCH_CANDIDATES, today, audience))
                    for r in requests
                ]
            ),
        }
        client = elasticsearch_client()
        took = {
            "requests for a person": summary(
                [
                    client.search(
                        index=matching_index.alias(),
                        **matching_index.search_body(
                            matching_index.requests_query(p, today), "created_us", SEARCH_CANDIDATES
                        ),
                    )["took"]
                    for p in people
                ]
            ),
            "people for a request": summary(
                [
                    client.search(
                        index=matching_index.alias(),
                        **matching_index.search_body(
                            matching_index.people_query(r, today, audience), "updated_us", SEARCH_CANDIDATES
                        ),
                    )["took"]
                    for r in requests
                ]
            ),
        }
        for name, figures in alone.items():
            print(
                f"Elasticsearch candidates alone ({SEARCH_CANDIDATES} ids, through our code), {name}: "
                f"median {figures['median']:.2f} ms, p95 {figures['p95']:.2f} ms; the node's own `took`: "
                f"median {took[name]['median']:.0f} ms, p95 {took[name]['p95']:.0f} ms"
            )
        matching_index.drop()
    use("database")
    top_person = directions["20 requests for a person"](profile_ids[0])
    top_request = directions["20 people for a request"](request_ids[0])
    print(
        f"example top scores: person {[m.score for m in top_person[:5]]}, request {[m.score for m in top_request[:5]]}"
    )
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
