"""Server-side render time of the impact page with 100,000 backings and 10,000 projects on PostgreSQL.

Uses its own database `homeward_bench` on the PostgreSQL server of DATABASE_URL (dropped and made again on
each run), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/impact_map.py [--projects 10000] [--backings 100000] [--repeat 30]

Data: the 10,000 public projects of bench/recommendations.py (one real ProjectPage made through Wagtail, its
rows copied in bulk with fresh tree paths under the 368 township pages), a listing for every project (spread
over 400 enterprises with returned-home members), donation campaigns and subscription plans on a share of
them, 100,000 backings by 40,000 people (accounts and guests) each with a payment in the ledger over two
years, 5 % of them refunded (half fully), payouts, and 2,000 committed interests from 50 companies. All
written with bulk_create.

Prints median and p95 of the whole request through Django's test client (template, map, tables, chart) and
its query count, for: the reference township map (baseline, same process); the impact page with its figures
cached (Taiwan, a county view, a filtered view); the page right after a payment (what that visitor sees: the
previous figures, marked "as of", with their refresh queued); the first visit after new figures arrived (the
map is rendered again); the refresh itself (the queued task's work); the first visit of a filter set with
nothing cached; and the load average.
"""

import argparse
import dataclasses
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--backings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure the data of the previous run (no rebuild)")
    options = parser.parse_args()

    from urllib.parse import urlsplit, urlunsplit

    from bench.recommendations import BENCH_DATABASE, fresh_database

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
    database = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}")) if options.reuse else fresh_database(url)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=database, LOG_LEVEL="WARNING")
    for name in ("REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    # As in production: DEBUG off, refreshes go to the database queue (a worker would run them).
    os.environ.update(DJANGO_DEBUG="false", TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from bench.recommendations import build as build_projects
    from bench.timing import measure, print_table
    from impact import service
    from impact.measures import ImpactFilters, figures

    if not options.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        build_projects(options.projects)
        projects_built = time.perf_counter() - started
        build_money(options.backings)
        print(
            f"built in {projects_built:.0f} s (projects) + {time.perf_counter() - started - projects_built:.0f} s "
            "(listings, backings, ledger, commitments)"
        )
    from cms.models import ProjectPage
    from marketplace.models import Interest
    from payments.models import Backing, LedgerEntry

    print(
        f"data: {ProjectPage.objects.count():,} projects, {Backing.objects.count():,} backings, "
        f"{LedgerEntry.objects.count():,} ledger entries, {Interest.objects.count():,} committed interests; PostgreSQL"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()

    def get(path):
        def run():
            response = client.get(path, HTTP_HOST="localhost")
            assert response.status_code == 200, (path, response.status_code)
            return response

        return run

    def queries(function):
        with CaptureQueriesContext(connection) as captured:
            function()
        return len(captured.captured_queries)

    county = "10013"  # 屏東縣
    home = "/zh-hant/impact/"
    pages = {
        "township map (baseline)": "/zh-hant/townships/map/",
        "impact page, cached": home,
        "impact county view, cached": f"/zh-hant/impact/?county={county}&measure=backers",
        "impact filtered (year+type), cached": "/zh-hant/impact/?year=2026&funding_type=donation",
    }
    load_before = os.getloadavg()
    rows, query_counts = {}, {}
    for name, path in pages.items():
        rows[name] = measure(get(path), options.repeat)
        query_counts[name] = queries(get(path))

    # A visitor right after a payment: the data version changed, so the page serves the previous figures (marked
    # "as of") and queues their refresh. Each round records one more payment first; the refresh lock is cleared
    # too, so every measured request also queues its task (the pessimistic case: with a burst of payments only
    # the first visitor queues one).
    payments = after_payment_rounds(options.repeat + 6)
    filters = ImpactFilters()

    def after_a_payment():
        """Milliseconds of the page request right after one more payment (the payment itself is not timed)."""
        next(payments)
        cache.delete(service._lock_key(filters))
        started = time.perf_counter()
        response = get(home)()
        elapsed = (time.perf_counter() - started) * 1000
        assert b"impact-stale" in response.content, "the visitor after a payment gets the previous figures"
        return elapsed

    for _ in range(5):
        after_a_payment()
    rows["impact page, right after a payment"] = [after_a_payment() for _ in range(options.repeat)]
    next(payments)
    cache.delete(service._lock_key(filters))
    query_counts["impact page, right after a payment"] = queries(get(home))

    def after_a_refresh():
        """Milliseconds of the first request after new figures arrived (its map is rendered, then kept).

        The refresh runs in the worker, not here: a copy of the snapshot with a new time stands for its result
        (the same figures; a new map key, so the map is rendered again).
        """
        snapshot = cache.get(service._snapshot_key(filters))
        cache.set(service._snapshot_key(filters), dataclasses.replace(snapshot, computed_at=timezone.now()))
        started = time.perf_counter()
        response = get(home)()
        elapsed = (time.perf_counter() - started) * 1000
        assert b"impact-stale" not in response.content
        return elapsed

    service.run_refresh(filters)
    rows["first visit after a refresh"] = [after_a_refresh() for _ in range(options.repeat)]
    query_counts["first visit after a refresh"] = queries(lambda: after_a_refresh())
    queued = DBTaskResult.objects.filter(task_path="impact.tasks.refresh_impact_figures").count()
    rows["the refresh (queued task's work)"] = measure(lambda: service.run_refresh(filters), options.repeat, warmup=2)
    query_counts["the refresh (queued task's work)"] = queries(lambda: service.run_refresh(filters))
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        first = {
            "first visit, nothing cached": home,
            "first visit, filtered": "/zh-hant/impact/?year=2026&funding_type=donation",
        }
        for name, path in first.items():
            rows[name] = measure(get(path), options.repeat, warmup=2)
            query_counts[name] = queries(get(path))
    with CaptureQueriesContext(connection) as captured:
        data = figures(ImpactFilters())
    load_after = os.getloadavg()
    remove_bench_payments()
    DBTaskResult.objects.filter(task_path="impact.tasks.refresh_impact_figures").delete()

    print_table(rows, "township map (baseline)")
    print("\nqueries per request:")
    for name, count in query_counts.items():
        print(f"  {name:<36} {count}")
    print(f"\nrefresh tasks queued by the after-a-payment visitors: {queued} (one per request measured, lock cleared)")
    print(f"figures() alone: {len(captured.captured_queries)} queries")
    total = data.taiwan.figures
    print(
        f"\nTaiwan: raised NT${total.raised_twd:,}, backers {total.backers:,}, committed NT${total.committed_twd:,}, "
        f"projects {total.projects:,}, returned home {total.returned_home:,}, months {len(data.months)}"
    )
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}; {} CPUs".format(
            *load_before, *load_after, os.cpu_count()
        )
    )


BENCH_PAYMENT_PREFIX = "charge:bench-after-"


def after_payment_rounds(count):
    """An iterator that records one more payment (a new ledger entry on an existing backing) at each step."""
    from django.utils import timezone

    from payments.ledger import write_entry
    from payments.models import Backing

    backing = Backing.objects.filter(kind="donation").order_by("pk").first()
    for number in range(count):
        write_entry(
            kind="payment",
            listing_id=backing.listing_id,
            backing=backing,
            amount_twd=300,
            source_key=f"{BENCH_PAYMENT_PREFIX}{time.time_ns()}-{number}",
            occurred_at=timezone.now(),
        )
        yield number


def remove_bench_payments():
    """The bench's own payments, so that --reuse measures the same data again (bench database only)."""
    from payments.ledger import rebuild_totals
    from payments.models import LedgerEntry

    LedgerEntry.objects.filter(source_key__startswith=BENCH_PAYMENT_PREFIX).delete()
    rebuild_totals()  # the running totals follow the entries removed behind write_entry's back


def payment_entry(backing, source_key, when):
    """The ledger's entry of a bench backing's payment (5 % platform fee), unsaved: write_entries adds it."""
    from payments.models import LedgerEntry

    return LedgerEntry(
        kind="payment",
        listing_id=backing.listing_id,
        backing=backing,
        amount_twd=backing.amount_twd,
        platform_fee_twd=backing.amount_twd // 20,
        source_key=source_key,
        occurred_at=when,
    )


def build_money(backing_count):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation, User
    from cms.models import ProjectPage, TownshipPage
    from marketplace.models import (
        CompanyProfile,
        DonationCampaign,
        EnterpriseProfile,
        Interest,
        InterestEvent,
        ProjectListing,
        SubscriptionPlan,
    )
    from payments.ledger import write_entries
    from payments.models import Backing, LedgerEntry

    UNUSABLE = make_password(None)
    random.seed(9)
    now = timezone.now()
    townships = [page.township for page in TownshipPage.objects.filter(locale__language_code="zh-hant")]
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [Organisation(kind="enterprise", name=f"團隊 {n}", slug=f"bench-team-{n}") for n in range(400)]
        )
        enterprises = EnterpriseProfile.objects.bulk_create(
            [
                EnterpriseProfile(
                    organisation=organisation,
                    township=random.choice(townships),
                    team_size=6,
                    members_returned_home=random.randint(0, 6),
                )
                for organisation in organisations
            ]
        )
        listed = set(ProjectListing.objects.values_list("project_id", flat=True))
        ProjectListing.objects.bulk_create(
            [
                ProjectListing(project_id=pk, enterprise=random.choice(enterprises))
                for pk in ProjectPage.objects.exclude(pk__in=listed).values_list("pk", flat=True)
            ],
            batch_size=2000,
        )
        listings = list(ProjectListing.objects.only("id", "project_id"))
        campaigns = DonationCampaign.objects.bulk_create(
            [
                DonationCampaign(
                    listing=listing,
                    goal_twd=random.choice([100_000, 300_000]),
                    deadline=(now + datetime.timedelta(days=60)).date(),
                    funding_model="keep_what_you_raise",
                )
                for listing in listings[::2]
            ],
            batch_size=2000,
        )
        plans = SubscriptionPlan.objects.bulk_create(
            [SubscriptionPlan(listing=listing, name="認養", price_twd=500, rewards="米") for listing in listings[1::2]],
            batch_size=2000,
        )
        plan_by_listing = {plan.listing_id: plan for plan in plans}
        donation_listings = [campaign.listing for campaign in campaigns]
        users = User.objects.bulk_create(
            [User(email=f"backer{n}@example.tw", password=UNUSABLE) for n in range(20_000)], batch_size=5000
        )
        backings = []
        for number in range(backing_count):
            person = random.randrange(40_000)
            backer = users[person] if person < 20_000 else None
            if number % 2:
                plan = plan_by_listing[random.choice(plans).listing_id]
                backings.append(
                    Backing(
                        kind="subscription",
                        status="active",
                        listing_id=plan.listing_id,
                        plan=plan,
                        backer=backer,
                        backer_email="" if backer else f"guest{person}@example.tw",
                        amount_twd=500,
                    )
                )
            else:
                backings.append(
                    Backing(
                        kind="donation",
                        status="paid",
                        listing=random.choice(donation_listings),
                        backer=backer,
                        backer_email="" if backer else f"guest{person}@example.tw",
                        amount_twd=random.choice([300, 500, 1_000, 2_000]),
                    )
                )
        Backing.objects.bulk_create(backings, batch_size=5000)
        entries = []
        for number, backing in enumerate(backings):
            when = now - datetime.timedelta(minutes=random.randint(0, 730 * 24 * 60))
            entries.append(payment_entry(backing, f"charge:bench-{number}", when))
            if number % 20 == 0:
                refund = backing.amount_twd if number % 40 == 0 else backing.amount_twd // 2
                entries.append(
                    LedgerEntry(
                        kind="refund",
                        listing_id=backing.listing_id,
                        backing=backing,
                        amount_twd=-refund,
                        source_key=f"refund:bench-{number}",
                        occurred_at=when + datetime.timedelta(days=3),
                    )
                )
        for number, listing in enumerate(listings[:2_000]):
            entries.append(
                LedgerEntry(
                    kind="payout",
                    listing=listing,
                    amount_twd=-100,
                    source_key=f"payout:bench-{number}",
                    occurred_at=now,
                )
            )
        write_entries(entries, batch_size=5000)
        company_orgs = Organisation.objects.bulk_create(
            [Organisation(kind="company", name=f"公司 {n}", slug=f"bench-company-{n}") for n in range(50)]
        )
        companies = CompanyProfile.objects.bulk_create(
            [
                CompanyProfile(organisation=organisation, unified_business_number=f"{n:08d}", size="large")
                for n, organisation in enumerate(company_orgs)
            ]
        )
        project_ids = [listing.project_id for listing in listings]
        interests = Interest.objects.bulk_create(
            [
                Interest(
                    company=company,
                    project_id=project_id,
                    stage="committed",
                    committed_amount_twd=random.choice([500_000, 1_000_000, 2_000_000]),
                    committed_instrument="equity",
                )
                for company in companies
                for project_id in random.sample(project_ids, 40)
            ],
            batch_size=2000,
        )
        events = InterestEvent.objects.bulk_create(
            [InterestEvent(interest=interest, from_stage="term_sheet", to_stage="committed") for interest in interests],
            batch_size=2000,
        )
        for event in events:  # spread the commitments over two years (auto_now_add set "at" to now)
            event.at = now - datetime.timedelta(days=random.randint(0, 730))
        InterestEvent.objects.bulk_update(events, ["at"], batch_size=2000)
    return {"backings": len(backings), "entries": len(entries), "interests": len(interests)}


if __name__ == "__main__":
    main()
