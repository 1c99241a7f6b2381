"""Stripe webhook deliveries per second on PostgreSQL, and the time from a webhook to the project's new total.

Uses its own database `homeward_bench_webhooks` on the PostgreSQL server of DATABASE_URL (dropped and made
again on each run), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/webhooks.py [--events 1000]

Every delivery is a real Stripe-style event signed with Stripe's scheme and posted through the real view
(`/stripe/webhook/`, Django's test client): signature check, raw event stored, row lock, handler, ledger entry,
receipt number, progress announcement. Receipts are queued (database task backend), as in production.

Figures, measured in the same process:
- baseline: the same number of signed events of a type without a handler (stored, acknowledged);
- checkout.session.completed for a donation (one payment entry with a receipt number each);
- invoice.paid for a subscription (one payment entry each);
- the same checkout events delivered again (duplicates: found done, nothing recorded);
- webhook → totals: one delivery, then the project's totals read from the ledger, until they show the new money.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories.stripe import sign, stripe_event  # noqa: E402

BENCH_DATABASE = "homeward_bench_webhooks"
SECRET = "whsec_bench_homeward"  # noqa: S105 (a throwaway endpoint secret for this process)


def fresh_database(url, name=BENCH_DATABASE):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return urlunsplit(parts._replace(path=f"/{name}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of each counted delivery")
    parser.add_argument("--profile", action="store_true", help="print where the checkout deliveries spend their time")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",  # DEBUG keeps every SQL query in memory: production runs without it
        DATABASE_URL=fresh_database(url),
        LOG_LEVEL="WARNING",
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 (never used to call Stripe here)
        STRIPE_WEBHOOK_SECRET=SECRET,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    for name in ("REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.timing import summary
    from payments import ledger
    from payments.models import Backing, LedgerEntry

    call_command("migrate", verbosity=0)
    listing, plan = build()
    client = Client(HTTP_HOST="127.0.0.1")
    count = options.events

    def deliver_all(events):
        payloads = [json.dumps(event) for event in events]
        started = time.perf_counter()
        for payload in payloads:
            response = client.post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
            )
            assert response.status_code == 200, response.content[:300]
        return time.perf_counter() - started

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
    baseline_events = [stripe_event("customer.created", {"id": f"cus_{n}", "object": "customer"}) for n in range(count)]
    checkout_events = [stripe_event("checkout.session.completed", session(backing)) for backing in donations]
    invoice_events = [stripe_event("invoice.paid", invoice(backing, n)) for n, backing in enumerate(subscriptions)]

    load = os.getloadavg()
    rows = {"no handler (baseline)": deliver_all(baseline_events)}
    if options.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        rows["checkout.session.completed"] = profiler.runcall(deliver_all, checkout_events)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    else:
        rows["checkout.session.completed"] = deliver_all(checkout_events)
    rows |= {
        "invoice.paid": deliver_all(invoice_events),
        "duplicates of the checkout events": deliver_all(checkout_events),
    }
    assert LedgerEntry.objects.count() == 2 * count, "every payment recorded exactly once"
    # Queries of one more delivery of each kind (counted apart from the timed runs: counting slows them).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    extra_donation = Backing.objects.create(kind="donation", listing=listing, amount_twd=500, backer_email="q@ex.tw")
    extra_subscription = Backing.objects.create(
        kind="subscription",
        status="active",
        listing=listing,
        plan=plan,
        amount_twd=plan.price_twd,
        backer_email="q@ex.tw",
        stripe_subscription_id="sub_bench_queries",
    )
    samples = {
        "no handler (baseline)": stripe_event("customer.created", {"id": "cus_q", "object": "customer"}),
        "checkout.session.completed": stripe_event("checkout.session.completed", session(extra_donation)),
        "invoice.paid": stripe_event("invoice.paid", invoice(extra_subscription, "queries")),
        "duplicates of the checkout events": checkout_events[0],
    }
    queries = {}
    for name, event in samples.items():
        with CaptureQueriesContext(connection) as captured:
            deliver_all([event])
        queries[name] = len(captured.captured_queries)
        if options.show_queries:
            print(f"--- {name}")
            print("\n".join(query["sql"][:200] for query in captured.captured_queries))

    baseline_rate = count / rows["no handler (baseline)"]
    print(f"{count} signed deliveries each through /stripe/webhook/ (Django test client, PostgreSQL, one process)")
    print("load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(*load, *os.getloadavg()))
    print(f"{'events':<36} {'events/s':>10} {'ms/event':>10} {'× baseline rate':>16} {'queries':>8}")
    for name, seconds in rows.items():
        rate = count / seconds
        print(
            f"{name:<36} {rate:>10.0f} {1000 * seconds / count:>10.2f} {rate / baseline_rate:>16.2f} {queries[name]:>8}"
        )

    latencies = []
    for n in range(200):
        backing = Backing.objects.create(kind="donation", listing=listing, amount_twd=700, backer_email="t@example.tw")
        expected = ledger.totals_for_project(listing.project_id).raised_twd + 700
        payload = json.dumps(stripe_event("checkout.session.completed", session(backing, f"pi_latency_{n}")))
        started = time.perf_counter()
        client.post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
        )
        while ledger.totals_for_project(listing.project_id).raised_twd != expected:
            pass
        latencies.append((time.perf_counter() - started) * 1000)
    figures = summary(latencies)
    print(
        f"webhook → updated project total: median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms "
        f"(n={figures['n']}; the live funding.progress event leaves at the same commit)"
    )


def session(backing, payment_intent=None):
    return {
        "id": f"cs_bench_{backing.pk}",
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "amount_total": backing.amount_twd * 100,
        "currency": "twd",
        "customer_details": {"email": backing.backer_email, "name": "Bench"},
        "metadata": {"backing_id": str(backing.pk)},
        "payment_intent": payment_intent or f"pi_bench_{backing.pk}",
    }


def invoice(backing, number):
    return {
        "id": f"in_bench_{number}",
        "object": "invoice",
        "amount_paid": backing.amount_twd * 100,
        "currency": "twd",
        "status_transitions": {"paid_at": int(time.time())},
        "parent": {"subscription_details": {"subscription": backing.stripe_subscription_id, "metadata": {}}},
    }


def build():
    from wagtail.models import Page

    from accounts.actions import create_organisation
    from accounts.models import Organisation, User
    from cms.models import ProjectPage
    from marketplace.actions import save_enterprise_profile
    from marketplace.models import ProjectListing, SubscriptionPlan
    from places.models import County, Township

    county = County.objects.create(code="99999", name_zh="測試縣", name_en="Bench County")
    township = Township.objects.create(
        code="99999999", county=county, name_zh="測試鄉", name_en="Bench", latitude=23.5, longitude=121.0
    )
    owner = User.objects.create_user("bench@example.tw", "bench-password-2026")
    team = create_organisation(owner, kind=Organisation.Kind.ENTERPRISE, name="Bench 團隊")
    profile = save_enterprise_profile(owner, team, township=township, summary="bench")
    project = Page.get_first_root_node().add_child(
        instance=ProjectPage(title="Bench project", slug="bench-project", township=township, live=True)
    )
    listing = ProjectListing.objects.create(project=project, enterprise=profile)
    plan = SubscriptionPlan.objects.create(listing=listing, name="bench", price_twd=500, rewards="x")
    return listing, plan


if __name__ == "__main__":
    main()
