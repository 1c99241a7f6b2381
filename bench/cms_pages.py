"""Server-side render time of the CMS pages with 1,000 projects and all 368 townships loaded.

Builds its data in a throwaway SQLite database (embedded settings): the projects with their teams' listings,
campaigns, capped plans and payments (build_money), so cards and the project page's funding panel show what they
show on the live site. Then renders each page through
Django's test client (the whole request: middleware, view, templates, queries) and prints median and
p95 next to a plain Wagtail page (a StandardPage with one paragraph, same site shell) as the baseline. Beside that
table, the database's share of each render: the reads a page makes beyond the plain page's, run again as plain SQL;
and where each render goes: each shared fragment's time and queries, and what the page spends outside them.

    .venv/bin/python bench/cms_pages.py [--projects 1000] [--repeat 50] [--postgres]

--postgres builds the data in its own database `homeward_bench_cms_pages` on the PostgreSQL server of
DATABASE_URL (dropped and made again; `eval "$(scripts/services env)"` first) with Redis as the cache when
REDIS_URL is set, DEBUG off either way. Beside each page: the queries of one request (counted apart from the
timed runs) and the load average, since a busy machine moves the absolute figures (the ratios, measured in the
same process, move less). Then the same pages with the page cache on: an anonymous visitor's cached hit, and a
signed-in reader's render around the shared fragments kept in the cache (baseline signed in too); and what the first
anonymous visitor after a change meets: after a payment, the stored copy with its money filled again (or the
project's own page rendered again), after a publish the page rendered again around what the change left kept.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASELINE = "plain Wagtail page (baseline)"  # the name of the baseline in every table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (and Redis) instead of SQLite")
    parser.add_argument(
        "--reuse", action="store_true", help="with --postgres: measure the database the last run built (no rebuild)"
    )
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    database = f"sqlite:///{folder / 'bench.sqlite3'}"
    keep = ()
    if options.postgres:
        from bench.webhooks import fresh_database

        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            sys.exit('--postgres: DATABASE_URL must point at PostgreSQL: run eval "$(scripts/services env)" first.')
        if options.reuse:
            database = url.rsplit("/", 1)[0] + "/homeward_bench_cms_pages"
        else:
            database = fresh_database(url, "homeward_bench_cms_pages")
        keep = ("REDIS_URL",)
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        if name not in keep:
            os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        DATABASE_URL=database,
        MEDIA_ROOT=str(folder / "media"),
        LOG_LEVEL="WARNING",
        PAGE_CACHE_ENABLED="false",  # renders are measured; the anonymous page cache's hit is its own row below
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.timing import measure, measure_interleaved, print_table, summary

    started = time.perf_counter()
    if options.reuse:
        pages = existing_pages(options.projects)
    else:
        call_command("migrate", verbosity=0)
        pages = build(options.projects, options.stories)
    where = "PostgreSQL" if options.postgres else f"SQLite at {folder}"
    print(
        f"data: {options.projects} projects, 368 townships × 3 languages, {options.stories} stories "
        f"(built in {time.perf_counter() - started:.0f} s, {where})"
    )

    client = Client()

    def get(url):
        def run():
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        return run

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure_and_report():
        """Times every page in turn, then prints the table, the load average and each page's queries; the rows and
        {page: the SQL of its queries}."""
        rows = measure_interleaved({name: get(url) for name, url in pages.items()}, options.repeat)
        load = os.getloadavg()
        print_table(rows, BASELINE)
        print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"{'queries of one request':<36}")
        queries = {}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                get(url)()
            queries[name] = [query["sql"] for query in captured.captured_queries]
            print(f"  {name:<34} {len(queries[name]):>4}")
        return rows, queries

    def report_the_databases_share(rows, queries):
        """What a render from nothing asks of the database: the reads each page makes beyond the plain page's, run
        again as the SQL Django sent (no ORM, no templates) on the same connection, beside what the page costs beyond
        the plain page and the room the aim of 1.3× leaves for all of it."""
        baseline_ms = summary(rows[BASELINE])["median"]
        plain_sql = set(queries[BASELINE])
        print(
            f"\nthe database's share of a render from nothing (its own reads run again as plain SQL; the aim of 1.3× "
            f"leaves {0.3 * baseline_ms:.1f} ms beyond the plain page for everything a page does):"
        )
        print(f"  {'page':<36} {'own reads':>9} {'their SQL ms':>12} {'page beyond plain ms':>21}")
        for name in pages:
            if name == BASELINE:
                continue
            own = [sql for sql in queries[name] if sql not in plain_sql and sql.lstrip().upper().startswith("SELECT")]

            def replay(own=own):
                with connection.cursor() as cursor:
                    for sql in own:
                        cursor.execute(sql)
                        cursor.fetchall()

            sql_ms = summary(measure(replay, options.repeat))["median"]
            beyond_ms = summary(rows[name])["median"] - baseline_ms
            print(f"  {name:<36} {len(own):>9} {sql_ms:>12.1f} {beyond_ms:>21.1f}")

    cache.clear()
    rows, queries = measure_and_report()
    report_the_databases_share(rows, queries)
    report_the_fragments(pages, options.repeat)

    # What an anonymous visitor meets once the page is cached (cms.page_cache): the same request, served from Redis.
    from django.test import override_settings

    with override_settings(PAGE_CACHE_ENABLED=True):
        cached = {f"{name}, cached": url for name, url in pages.items() if name != BASELINE}
        for url in cached.values():
            get(url)()
        rows = {BASELINE: rows[BASELINE]}
        rows.update(measure_interleaved({name: get(url) for name, url in cached.items()}, options.repeat))
        print("\nanonymous page cache (cms.page_cache) against the same rendered baseline:")
        print_table(rows, BASELINE)
        with CaptureQueriesContext(connection) as captured:
            get(next(iter(cached.values())))()
        print(f"queries of a cached hit: {len(captured.captured_queries)}")

        # What a signed-in reader meets: their page is rendered for them (never the stored copy), around the shared
        # fragments (cms.page_cache.shared_fragment) taken from the cache; the baseline is signed in too.
        from django.contrib.auth import get_user_model

        reader, _ = get_user_model().objects.get_or_create(
            email="bench-reader@example.tw", defaults={"display_name": "Bench reader"}
        )
        client.force_login(reader)
        for url in pages.values():
            get(url)()
        print("\nsigned-in reader, page cache on (their own render, shared fragments from the cache):")
        measure_and_report()

        after_a_change(pages, options.repeat)
        after_a_publish_warmed(pages, options.repeat)


def report_the_fragments(pages, repeat):
    """Where a render from nothing spends what it costs beyond the plain page: each shared fragment of each page
    (cms_tags' {% shared_fragment %}: the parts every visitor sees alike), its median time and its queries, and
    what the page spends outside them (the shell, the view, the page's own context), beside the plain page."""
    import collections
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.templatetags.cms_tags import SharedFragmentNode

    spent, counted = collections.defaultdict(list), {}
    render = SharedFragmentNode.render

    def timed_render(node, context):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            html = render(node, context)
        name = node.name.resolve(context)
        spent[name].append((time.perf_counter() - started) * 1000)
        counted[name] = len(captured)
        return html

    client = Client()

    def page_ms(url):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            assert client.get(url, HTTP_HOST="localhost").status_code == 200, url
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    print("\nwhere a render from nothing goes (each shared fragment: median ms, queries; the rest of the page):")
    plain_ms = page_ms(pages[BASELINE])
    print(f"  {BASELINE:<44} {plain_ms:>7.1f} ms")
    SharedFragmentNode.render = timed_render
    try:
        for name, url in pages.items():
            if name == BASELINE:
                continue
            spent.clear()
            whole = page_ms(url)
            parts = {part: statistics.median(times) for part, times in spent.items()}
            shown = ", ".join(f"{part} {ms:.1f} ms ({counted[part]} q)" for part, ms in parts.items())
            print(f"  {name:<44} {whole:>7.1f} ms: {shown}; outside them {whole - sum(parts.values()):.1f} ms")
    finally:
        SharedFragmentNode.render = render


def after_a_change(pages, repeat):
    """What the first anonymous visitor after a change meets, page cache on. After a payment, the pages listing the
    project are served from their stored copy with the moved holes filled again (cms.page_cache: a card's money, the
    home figures); the project's own page renders again. After a publish, the page renders again around what the
    change left kept (cards are kept one by one): what the worker's warm-up pays, and the reader's when no worker
    renders (with one, the reader meets the copy from before the publish: after_a_publish_warmed). Each page's
    change is made before each of its timed requests (not timed), and the baseline's (its own content generation
    moved, the rest of the cache warm) before each of the baseline's, in turn. The queries are those of the request
    alone."""
    import contextlib
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms import page_cache
    from cms.models import StandardPage

    subject = changed_subjects()
    published_page = published_pages(subject)
    plain_key = StandardPage.objects.get(slug="about").translation_key

    def paid(project_id):
        return lambda: page_cache.project_money_changed([project_id])

    def published(page):
        return lambda: page_cache.pages_changed([page])

    changes = {
        "home page": [
            ("a payment on its first featured project", paid(subject["featured"].pk)),
            ("a project published (its first featured one)", published(published_page["home page"])),
        ],
        "township page": [
            ("a payment on its newest project", paid(subject["newest here"].pk)),
            ("its newest project published", published(published_page["township page"])),
        ],
        "story index page": [("a story published", published(published_page["story index page"]))],
        "story page": [
            ("a payment on the project it links", paid(subject["linked"].pk)),
            ("the story itself published", published(published_page["story page"])),
        ],
        "project page": [
            ("a payment on it", paid(subject["project"].pk)),
            ("the project itself published", published(published_page["project page"])),
        ],
    }
    client = Client()
    baseline_url = pages[BASELINE]

    def timed(url, change, captured=None):
        change()
        started = time.perf_counter()
        with captured if captured is not None else contextlib.nullcontext():  # (an empty capture is falsy)
            response = client.get(url, HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200 and response.get("X-Page-Cache") != "hit", url
        return elapsed, response.get("X-Page-Cache")

    def baseline_change():
        page_cache.bump([plain_key])

    print("\nafter a change, anonymous, page cache on (X-Page-Cache: refilled = the stored copy, holes filled again;")
    print("miss = rendered again around what the change left kept):")
    print(f"{'page (change)':<66} {'served':>8} {'median ms':>10} {'baseline':>9} {'×':>5} {'queries':>8}")
    for _ in range(3):
        timed(baseline_url, baseline_change)
    captured = CaptureQueriesContext(connection)
    timed(baseline_url, baseline_change, captured)
    print(f"{'plain Wagtail page (its own page changed)':<66} {'miss':>8} {'':>10} {'':>9} {'':>5} {len(captured):>8}")
    for label, url in pages_labelled(pages, changes):
        for what, change in changes[label]:
            for _ in range(3):
                timed(url, change)
            own, base = [], []
            for _ in range(repeat):
                base.append(timed(baseline_url, baseline_change)[0])
                own.append(timed(url, change)[0])
            captured = CaptureQueriesContext(connection)
            served = timed(url, change, captured)[1]
            median, baseline = statistics.median(own), statistics.median(base)
            print(
                f"{f'{label} ({what})':<66} {served:>8} {median:>10.2f} {baseline:>9.2f} {median / baseline:>5.1f}"
                f" {len(captured):>8}"
            )
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def changed_subjects():
    """The pages whose changes after_a_change makes: the home page's first featured project, the busiest township's
    newest project, two stories, a project, and the project the first story links."""
    from cms.models import HomePage, ProjectPage, StoryPage, TownshipPage

    home = HomePage.objects.get(locale__language_code="zh-hant")
    township = TownshipPage.objects.filter(locale=home.locale).order_by("township__code").first()
    story = StoryPage.objects.get(slug="story-0")
    return {
        "featured": ProjectPage.objects.get(pk=home.featured_projects.first().project_id),
        "newest here": ProjectPage.objects.child_of(township).order_by("-first_published_at", "-pk").first(),
        "story": story,
        "other story": StoryPage.objects.get(slug="story-1"),
        "project": ProjectPage.objects.get(slug="project-1"),
        "linked": story.related_projects.first(),
    }


def published_pages(subject):
    """{page's label: the page whose publish its rows make}, of changed_subjects()."""
    return {
        "home page": subject["featured"],
        "township page": subject["newest here"],
        "story index page": subject["other story"],
        "story page": subject["story"],
        "project page": subject["project"],
    }


def pages_labelled(pages, labels):
    """(label, URL) of each page of `pages` whose name starts with one of `labels`, in the order of `pages`."""
    for name, url in pages.items():
        label = next((key for key in labels if name.startswith(key)), None)
        if label is not None:
            yield label, url


def after_a_publish_warmed(pages, repeat):
    """A publish with the warm-up on (cms.page_warming): a worker renders the pages the publish made stale (the
    page, its parent and the home pages, in every language). Prints what an anonymous visitor of each page meets
    before the worker is done (the copy from before the publish: cms.page_cache.serve_previous_until_replaced), the
    worker's time for all the pages, and what the next visitor meets after it, each against the plain page rendered
    after its own change (as after_a_change's baseline)."""
    import statistics

    from django.test import Client

    from cms import page_cache
    from cms.models import StandardPage
    from cms.page_warming import pages_to_warm, places_to_warm, warm

    published = published_pages(changed_subjects())
    plain_key = StandardPage.objects.get(slug="about").translation_key
    baseline_url = pages[BASELINE]
    client = Client()

    def visit(url):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, url
        return (time.perf_counter() - started) * 1000, response.get("X-Page-Cache")

    print("\nafter a publish, warmed by a worker (cms.page_warming): the next anonymous visitor before and after it")
    print(
        f"{'page (what was published)':<44} {'served':>8} {'ms':>6} {'×':>5} {'warmed':>6} {'worker ms':>10}"
        f" {'served':>7} {'ms':>6} {'×':>5}"
    )
    for label, url in pages_labelled(pages, published):
        page = published[label]
        warm(pages_to_warm([page]))  # the copies current before the first publish, as a worker leaves them
        worker, before, after, base, before_states, after_states = [], [], [], [], set(), set()
        for _ in range(repeat):
            page_cache.bump([plain_key])
            base.append(visit(baseline_url)[0])
            moved = page_cache.pages_changed([page], keep_before=True)  # the publish's bump, as its signal makes it
            places = dict(places_to_warm([page]))
            page_ids = list(places)
            page_cache.serve_previous_until_replaced(places, moved)
            elapsed, state = visit(url)
            before.append(elapsed)
            before_states.add(state)
            started = time.perf_counter()
            warm(page_ids)
            worker.append((time.perf_counter() - started) * 1000)
            elapsed, state = visit(url)
            after.append(elapsed)
            after_states.add(state)
        baseline = statistics.median(base)
        print(
            f"{f'{label} ({page.title[:20]})':<44} {'/'.join(sorted(before_states)):>8}"
            f" {statistics.median(before):>6.2f} {statistics.median(before) / baseline:>5.1f} {len(page_ids):>6}"
            f" {statistics.median(worker):>10.1f} {'/'.join(sorted(after_states)):>7}"
            f" {statistics.median(after):>6.2f} {statistics.median(after) / baseline:>5.1f}"
        )
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def existing_pages(project_count):
    from cms.models import HomePage, ProjectPage, StandardPage, StoryIndexPage, StoryPage, TownshipPage

    home = HomePage.objects.get(locale__language_code="zh-hant")
    busiest = TownshipPage.objects.filter(locale=home.locale).order_by("township__code").first()  # as build() chose
    return {
        BASELINE: StandardPage.objects.get(slug="about").url,
        "home page": home.url,
        f"township page ({busiest.title}, ~{project_count // 10} projects)": busiest.url,
        "story index page": StoryIndexPage.objects.child_of(home).get().url,
        "story page": StoryPage.objects.get(slug="story-0").url,
        "project page": ProjectPage.objects.get(slug="project-1").url,
    }


def build(project_count, story_count):
    import datetime

    from cms.actions import ensure_project_review_workflow, ensure_township_pages
    from cms.demo import ensure_home_pages
    from cms.models import (
        HomeFeaturedProject,
        HomeFeaturedStory,
        HomePage,
        ProjectPage,
        ProjectUpdate,
        Sector,
        StandardPage,
        StoryIndexPage,
        StoryPage,
        TownshipPage,
    )
    from places.actions import load_townships

    load_townships()
    ensure_home_pages()
    ensure_project_review_workflow()
    ensure_township_pages()
    home = HomePage.objects.get(locale__language_code="zh-hant")
    sector = Sector.objects.create(slug="agriculture", name_zh="農業", name_en="Agriculture", name_ja="農業")
    townships = list(TownshipPage.objects.filter(locale=home.locale).order_by("township__code"))
    busiest = townships[0]
    projects = []
    for number in range(project_count):
        # A tenth of the projects in one township, so its page lists about 100; the rest spread out.
        parent = busiest if number % 10 == 0 else townships[number % len(townships)]
        project = ProjectPage(
            title=f"專案 {number}",
            slug=f"project-{number}",
            summary="地方創生專案",
            body=[("paragraph", "<p>專案介紹。</p>")],
            sector=sector,
        )
        for update in range(3):
            project.updates.add(
                ProjectUpdate(date=datetime.date(2026, 1, 1 + update), title=f"消息 {update}", body="<p>x</p>")
            )
        projects.append(parent.add_child(instance=project))
    index = StoryIndexPage.objects.child_of(home).get()
    stories = []
    for number in range(story_count):
        story = StoryPage(
            title=f"故事 {number}",
            slug=f"story-{number}",
            date=datetime.date(2026, 1, 1),
            summary="品牌故事",
            body=[("paragraph", "<p>故事內文。</p>"), ("quote", {"text": "引言", "attribution": "某人"})],
            township=busiest.township,
            related_projects=projects[:5],
        )
        story.tags.add("茶", f"tag{number % 7}")
        stories.append(index.add_child(instance=story))
    for order, (project, story) in enumerate(zip(projects[:6], stories[:6], strict=True)):
        HomeFeaturedProject.objects.create(home=home, project=project, sort_order=order)
        HomeFeaturedStory.objects.create(home=home, story=story, sort_order=order)
    plain = home.add_child(instance=StandardPage(title="關於", slug="about", body=[("paragraph", "<p>關於我們。</p>")]))
    build_money(projects, busiest.township)
    return {
        BASELINE: plain.url,
        "home page": home.url,
        f"township page ({busiest.title}, ~{project_count // 10} projects)": busiest.url,
        "story index page": index.url,
        "story page": stories[0].url,
        "project page": projects[1].url,
    }


def build_money(projects, township):
    """What a project shows of its funding, as on the live site: every project has a team's listing, half of them
    a donation campaign and the other half a subscription plan with a cap on its backers, and each has payments in
    the ledger (so the cards show progress and backers). The project page measured (project-1) offers all three:
    a campaign, a capped plan and an investment ask."""
    import datetime
    import random

    from django.utils import timezone

    from accounts.models import Organisation
    from bench.impact_map import payment_entry
    from marketplace.models import DonationCampaign, EnterpriseProfile, ProjectListing, SubscriptionPlan
    from payments.ledger import write_entries
    from payments.models import Backing

    random.seed(7)
    organisations = Organisation.objects.bulk_create(
        [Organisation(kind="enterprise", name=f"團隊 {n}", slug=f"bench-team-{n}") for n in range(40)]
    )
    teams = EnterpriseProfile.objects.bulk_create(
        [EnterpriseProfile(organisation=organisation, township=township, team_size=5) for organisation in organisations]
    )
    listings = ProjectListing.objects.bulk_create(
        [
            ProjectListing(
                project=project,
                enterprise=teams[number % len(teams)],
                seeks_investment=number == 1,
                ask_min_twd=1_000_000 if number == 1 else None,
                ask_max_twd=3_000_000 if number == 1 else None,
                instrument="equity" if number == 1 else "",
                use_of_funds="擴建加工廠" if number == 1 else "",
            )
            for number, project in enumerate(projects)
        ]
    )
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    DonationCampaign.objects.bulk_create(
        [
            DonationCampaign(listing=listing, goal_twd=300_000, deadline=deadline, funding_model="keep_what_you_raise")
            for number, listing in enumerate(listings)
            if number % 2 == 0 or number == 1
        ]
    )
    plans = SubscriptionPlan.objects.bulk_create(
        [
            SubscriptionPlan(listing=listing, name="認養一分地", price_twd=500, rewards="每月一箱", max_backers=50)
            for number, listing in enumerate(listings)
            if number % 2 == 1
        ]
    )
    plan_of = {plan.listing_id: plan for plan in plans}
    backings = []
    for number in range(5_000):
        listing = listings[number % len(listings)]
        plan = plan_of.get(listing.pk)
        backings.append(
            Backing(
                kind="subscription" if plan else "donation",
                status="active" if plan else "paid",
                listing=listing,
                plan=plan,
                backer_email=f"guest{number}@example.tw",
                amount_twd=500 if plan else random.choice([300, 500, 1_000, 2_000]),
            )
        )
    Backing.objects.bulk_create(backings, batch_size=2000)
    now = timezone.now()
    write_entries(
        [
            payment_entry(backing, f"charge:bench-cms-{number}", now - datetime.timedelta(hours=number))
            for number, backing in enumerate(backings)
        ],
        batch_size=2000,
    )


if __name__ == "__main__":
    main()
