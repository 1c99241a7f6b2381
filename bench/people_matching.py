"""Time to rank 20 help requests for a person and 20 people for a help request, with 10,000 talent profiles and
10,000 open help requests on PostgreSQL (people/matching.py).

Uses its own database `homeward_bench_people` on the PostgreSQL server of DATABASE_URL (dropped and made again on
each run), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/people_matching.py [--profiles 10000] [--requests 10000] [--repeat 50]

Profiles get a random home township, 0–4 served townships, 1–3 fields, 0–2 sectors, a format, availability and
pro bono or a fee; requests a random township, field, sector, format and timeframe. Each timed run ranks for a
different person (or request), chosen at random. Prints median and p95 in milliseconds, and the top scores.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=fresh_database(url), LOG_LEVEL="WARNING"
    )
    for name in ("REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Membership, User
    from bench.timing import measure, summary
    from people.matching import rank_people_for, rank_requests_for
    from people.models import HelpRequest, TalentProfile

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

    def for_a_person():
        profile = TalentProfile.objects.select_related("home_township").get(pk=rng.choice(profile_ids))
        return rank_requests_for(profile, limit=20)

    def for_a_request():
        help_request = HelpRequest.objects.select_related("township").get(pk=rng.choice(request_ids))
        return rank_people_for(help_request, limit=20, visible_to=requester)

    top_person, top_request = for_a_person(), for_a_request()
    print(f"{'ranking':<34} {'n':>5} {'median ms':>10} {'p95 ms':>10}")
    for name, function in (("20 requests for a person", for_a_person), ("20 people for a request", for_a_request)):
        figures = summary(measure(function, options.repeat))
        print(f"{name:<34} {figures['n']:>5} {figures['median']:>10.2f} {figures['p95']:>10.2f}")
    print(
        f"example top scores: person {[m.score for m in top_person[:5]]}, request {[m.score for m in top_request[:5]]}"
    )


if __name__ == "__main__":
    main()
