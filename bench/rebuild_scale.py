"""The real rebuild of the projects index at scale: 100,000 published project pages in PostgreSQL, rebuilt into
Elasticsearch through the production code, end to end.

Uses its own database `homeward_bench_rebuild` on the PostgreSQL server of DATABASE_URL and its own index prefix
(dropped at the end, and before, if a previous run was cut short), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/rebuild_scale.py [--projects 100000] [--batch 500]

Data (written with COPY, ids taken from the sequences, tree paths made with Wagtail's own `_get_path`, under the 368
township pages): every project has a title, a summary and a story of three paragraphs in its body, a sector, two
SDGs and up to three updates; one in five has an English translation and one in ten a Japanese one (live pages of
their own, under the English and Japanese home pages); half have a marketplace listing (half of those seek
investment), a quarter of the listings have a subscription plan, a quarter a donation campaign, and one listing in
ten has backers with payments in the ledger.

Printed, each with the load average beside it (the machine is shared: compare the figures of one run):
- the rebuild end to end: `search.indexing.rebuild_elasticsearch_index` (what `manage.py rebuild_search_index`
  runs for Elasticsearch): read the pages batch by batch, build the documents, analyse them, stream them to a new
  index with the bulk helper, swap the alias;
- the queries of one batch, at two batch sizes (they must be the same);
- what the database side costs alone (read and build every document, no Elasticsearch);
- the floor: the same documents ready-made (sources analysed beforehand) bulk-indexed into a new index with the
  rebuild's settings, one client thread;
- the rebuild end to end again, on the node that has now indexed the collection twice: a node started just before
  the bench spends the first rebuild's CPU on its own warm-up too (the node's uptime is printed beside each).
"""

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "homeward_bench_rebuild"
INDEX_PREFIX = "bench-rebuild"

PRODUCTS = [
    "可可",
    "香草",
    "咖啡",
    "紅茶",
    "烏龍茶",
    "稻米",
    "菱角",
    "吳郭魚",
    "虱目魚",
    "牡蠣",
    "梅子",
    "竹筍",
    "鳳梨",
]
ACTIVITIES = ["認養", "訂閱", "農場", "工坊", "小旅行", "民宿", "食農教育", "加工", "合作社", "智慧養殖", "老屋再生"]
PHRASES = [
    "返鄉青年回到家鄉，和長輩一起照顧{product}田，",
    "我們用友善耕作的方式種植{product}，不用農藥也不用化肥，",
    "每個月寄出當季的{product}和一封田間來信，",
    "邀請城市的朋友來{town}參加{activity}，認識土地和季節，",
    "部分收入回饋社區的長照據點和課後陪伴班，",
    "我們和在地合作社一起建立{product}的加工與冷鏈，",
    "颱風過後，田裡的工作從修補水路開始，",
    "孩子們在食農教育課裡第一次親手採收{product}，",
]
ENGLISH = {
    "可可": "cocoa",
    "咖啡": "coffee",
    "紅茶": "black tea",
    "稻米": "rice",
    "牡蠣": "oyster",
    "鳳梨": "pineapple",
}


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def drop_database(url):
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def load():
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="pages per batch and documents per bulk request")
    parser.add_argument("--keep", action="store_true", help="keep the database and index (to look at them)")
    parser.add_argument("--profile", action="store_true", help="profile the reading and building of 10 batches")
    parser.add_argument("--reuse", action="store_true", help="measure the data a --keep run left (no rebuild)")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("ELASTICSEARCH_URL"):
        sys.exit(
            'DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL are needed: run eval "$(scripts/services env)" first.'
        )
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        DATABASE_URL=urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))
        if options.reuse
        else fresh_database(url),
        LOG_LEVEL="WARNING",
        SEARCH_ENGINE="elasticsearch",
        SEARCH_INDEX_PREFIX=INDEX_PREFIX,
        SEARCH_TIMEOUT_SECONDS="60",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    for name in ("STRIPE_API_BASE",):
        os.environ.pop(name, None)
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)
    from search.es import ElasticsearchEngine

    try:
        run(options)
    finally:
        if not options.keep:
            from django.db import connections

            ElasticsearchEngine().drop("projects")
            connections.close_all()
            drop_database(url)
            print(f"cleaned up: database {BENCH_DATABASE} and the {INDEX_PREFIX}-projects indices dropped")


def run(options):
    from django.core.management import call_command

    if options.reuse:
        measure(options)
        return
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s ({load()})")
    started = time.perf_counter()
    counts = build(options.projects)
    print(
        f"data: {counts['projects']:,} published projects, {counts['translations']:,} translations, "
        f"{counts['listings']:,} listings, {counts['plans']:,} plans, {counts['campaigns']:,} campaigns, "
        f"{counts['backings']:,} backings (built in {time.perf_counter() - started:.0f} s, {load()})"
    )
    measure(options)


def measure(options):
    from search.documents import get_family

    family = get_family("projects")
    total = family.count()
    print(f"projects to index: {total:,}")
    if options.profile:
        profile(family, options.batch)
        return

    # Queries per batch at two sizes (the second and third batches: the first also reads caches).
    for size in (options.batch // 5 or 1, options.batch):
        per_batch = queries_per_batch(family, size)
        print(f"queries per batch of {size} pages: {per_batch}")

    # The rebuild end to end, as the rebuild command runs it for Elasticsearch.
    rebuild_end_to_end(family, options.batch, "REBUILD end to end")
    from search.engines import elasticsearch_client
    from search.es import alias_name

    indexed = elasticsearch_client().count(index=alias_name("projects"))["count"]
    print(f"documents behind the alias: {indexed:,}")

    # The database side alone: read and build every document.
    started = time.perf_counter()
    documents = []
    for batch in family.iter_documents(batch_size=options.batch):
        documents.extend(batch)
    seconds = time.perf_counter() - started
    print(f"database side alone (read + build documents): {len(documents) / seconds:,.0f} docs/s ({load()})")
    started = time.process_time()
    sources = sources_of(documents)
    cpu = time.process_time() - started
    print(f"analysis alone (to_source): {len(sources) / cpu:,.0f} docs per CPU second ({load()})")
    rate = floor(sources)
    print(f"FLOOR (ready-made sources bulk-indexed, one thread): {rate:,.0f} docs/s ({load()})")
    sample = documents[::997][:3]
    body_chars = sum(len(document.body) for document in documents) / max(len(documents), 1)
    print(f"mean body text: {body_chars:.0f} characters; sample titles: {[d.title for d in sample]}")
    del documents, sources

    # Again, now that the node has indexed twice the collection: a node that has just started spends the first
    # rebuild's CPU compiling its indexing code as well (its JIT), which a node that has been running has done.
    rebuild_end_to_end(family, options.batch, "REBUILD end to end, again")


def rebuild_end_to_end(family, batch, title):
    """The rebuild as the rebuild command runs it for Elasticsearch, with the CPU of each side and the node's
    uptime (a node started moments before pays for its warm-up here)."""
    from django.core.cache import cache

    from search.indexing import rebuild_elasticsearch_index

    cache.clear()
    before, uptime = load(), node_uptime_minutes()
    with CpuTime() as cpu:
        count, seconds = rebuild_elasticsearch_index(family, chunk_size=batch)
    print(
        f"{title} (PostgreSQL -> documents -> analysis -> bulk -> alias swap): {count:,} docs in "
        f"{seconds:.1f} s = {count / seconds:,.0f} docs/s (node up {uptime:.0f} min; before: {before}; "
        f"after: {load()})"
    )
    print(
        f"  CPU seconds per 1,000 docs: this process and its analyser {cpu.ours / count * 1000:.2f}, the "
        f"Elasticsearch node {cpu.node / count * 1000:.2f}, PostgreSQL {cpu.postgres / count * 1000:.2f}: two cores "
        f"kept fully busy would give {count / ((cpu.ours + cpu.node + cpu.postgres) / 2):,.0f} docs/s"
    )


class CpuTime:
    """CPU seconds used by this process, the Elasticsearch node and PostgreSQL while the block runs: unlike wall
    time, they do not grow with the load other work puts on the machine."""

    def __enter__(self):
        self.ours, self.node, self.postgres = own_cpu_seconds(), node_cpu_seconds(), postgres_cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.ours = own_cpu_seconds() - self.ours
        self.node = node_cpu_seconds() - self.node
        self.postgres = postgres_cpu_seconds() - self.postgres


def own_cpu_seconds():
    """CPU seconds of this process and of the children it waited for (the rebuild's analysing process)."""
    import resource

    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def node_cpu_seconds():
    from search.engines import elasticsearch_client

    stats = elasticsearch_client().nodes.stats(metric="process")
    return sum(node["process"]["cpu"]["total_in_millis"] for node in stats["nodes"].values()) / 1000


def node_uptime_minutes():
    from search.engines import elasticsearch_client

    stats = elasticsearch_client().nodes.stats(metric="jvm")
    return min(node["jvm"]["uptime_in_millis"] for node in stats["nodes"].values()) / 60_000


def postgres_cpu_seconds():
    """CPU seconds of every process of the PostgreSQL server (its backends and workers), from /proc."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0.0
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster or int(stat.parent.name) == postmaster:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def profile(family, size):
    """Where the database side's time goes: cProfile over ten batches."""
    import cProfile
    import pstats

    batches = family.iter_documents(batch_size=size)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        next(batches, None)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("tottime")
    stats.print_stats(25)
    stats.print_callers("query.py:378|query.py.*_chain|query.py.*_clone|related_descriptors.py:1044")


def queries_per_batch(family, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batches = family.iter_documents(batch_size=size)
    next(batches)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            next(batches)
        counts.append(len(captured.captured_queries))
    return counts


def sources_of(documents):
    from search.es import to_source

    return [(document.uid, to_source(document)) for document in documents]


def floor(sources):
    from elasticsearch import helpers

    from search.engines import elasticsearch_client
    from search.es import _new_index

    client = elasticsearch_client().options(request_timeout=120)
    name = _new_index("projects-floor")
    client.indices.put_settings(index=name, settings={"refresh_interval": "-1", "translog.durability": "async"})
    try:
        started = time.perf_counter()
        actions = ({"_index": name, "_id": uid, "_source": source} for uid, source in sources)
        for _ in helpers.streaming_bulk(client, actions, chunk_size=500):
            pass
        client.indices.refresh(index=name)
        return len(sources) / (time.perf_counter() - started)
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)


# --- data -----------------------------------------------------------------------------------------------------


def copy_rows(cursor, table, columns, rows):
    """COPY rows (text values or None) into a table; names come from the models, never from input."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def next_ids(cursor, table, count):
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
        [count],
    )
    return [row[0] for row in cursor.fetchall()]


def template_row(cursor, table, key, value):
    """A row of `table` with every column as text (COPY reads them back as they are)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    columns = [row[0] for row in cursor.fetchall()]
    select = ", ".join(f'"{column}"::text' for column in columns)
    cursor.execute(f'SELECT {select} FROM {table} WHERE "{key}" = %s', [value])  # noqa: S608
    return columns, list(cursor.fetchone())


def story(rng, product, town, activity):
    paragraphs = []
    for _ in range(3):
        text = "".join(rng.choice(PHRASES).format(product=product, town=town, activity=activity) for _ in range(4))
        paragraphs.append({"type": "paragraph", "value": f"<p>{text.rstrip('，')}。</p>", "id": str(uuid.uuid4())})
    return paragraphs


def build(project_count):
    import json

    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from accounts.models import Organisation
    from cms.actions import ensure_project_review_workflow, ensure_township_pages
    from cms.demo import ensure_catalogues, ensure_home_pages
    from cms.models import HomePage, ProjectPage, Sector, SustainableDevelopmentGoal, TownshipPage
    from marketplace.models import EnterpriseProfile
    from payments.ledger import write_entries
    from payments.models import Backing, LedgerEntry
    from places.actions import load_townships

    load_townships()
    ensure_home_pages()
    ensure_project_review_workflow()
    ensure_catalogues()
    ensure_township_pages()
    rng = random.Random(23)
    parents = list(TownshipPage.objects.filter(locale__language_code="zh-hant").select_related("township"))
    homes = {home.locale.language_code: home for home in HomePage.objects.select_related("locale")}
    sectors = list(Sector.objects.values_list("pk", flat=True))
    sdgs = list(SustainableDevelopmentGoal.objects.values_list("pk", flat=True))
    template = parents[0].add_child(instance=ProjectPage(title="樣板", slug="template"))
    template.save_revision().publish()
    organisation = Organisation.objects.create(kind="enterprise", name="地方創生聯盟", slug="bench-team")
    enterprise = EnterpriseProfile.objects.create(
        organisation=organisation, township=parents[0].township, name_en="Revitalisation Alliance"
    )
    locales = {locale.language_code: locale.pk for locale in Locale.objects.all()}
    now = timezone.now()
    counts = dict.fromkeys(("projects", "translations", "listings", "plans", "campaigns", "backings"), 0)
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor: COPY
        page_columns, page_template = template_row(cursor, "wagtailcore_page", "id", template.pk)
        project_columns, project_template = template_row(cursor, "cms_projectpage", "page_ptr_id", template.pk)
        pcol = {name: index for index, name in enumerate(page_columns)}
        jcol = {name: index for index, name in enumerate(project_columns)}
        children = dict(Page.objects.filter(depth__gte=2).values_list("pk", "numchild"))
        page_rows, project_rows, sdg_rows, update_rows, listing_rows = [], [], [], [], []
        translations = []
        ids = next_ids(cursor, "wagtailcore_page", project_count)
        for number, page_id in enumerate(ids):
            parent = parents[number % len(parents)]
            town = parent.township.name_zh
            product, activity = rng.choice(PRODUCTS), rng.choice(ACTIVITIES)
            title = f"{town}{product}{activity}計畫 {number}"
            published = now - datetime.timedelta(days=rng.randint(0, 720))
            key = uuid.uuid4()
            children[parent.pk] += 1
            page_rows.append(
                page_row(
                    page_template, pcol, page_id, parent, children[parent.pk], title, f"p-{number}", key, published
                )
            )
            row = list(project_template)
            row[jcol["page_ptr_id"]] = str(page_id)
            row[jcol["township_id"]] = str(parent.township_id)
            row[jcol["sector_id"]] = str(rng.choice(sectors))
            row[jcol["summary"]] = f"{town}的返鄉青年以{product}發展{activity}，第 {number % 97} 號計畫。"
            row[jcol["body"]] = json.dumps(story(rng, product, town, activity), ensure_ascii=False)
            project_rows.append(row)
            for sdg in rng.sample(sdgs, 2):
                sdg_rows.append((str(page_id), str(sdg)))
            for order in range(rng.randint(0, 3)):
                day = (now - datetime.timedelta(days=rng.randint(0, 200))).date().isoformat()
                update_rows.append((str(page_id), str(order), day, f"{product}近況 {order}", "<p>田裡的消息。</p>"))
            if number % 2 == 0:
                listing_rows.append((page_id, number))
            if number % 5 == 0:
                english = ENGLISH.get(product, "local")
                translations.append(
                    (
                        "en",
                        page_id,
                        key,
                        f"{parent.township.name_en} {english} project {number}",
                        f"Returning youth grow {english} in {parent.township.name_en}.",
                        number,
                    )
                )
            if number % 10 == 0:
                translations.append(
                    (
                        "ja",
                        page_id,
                        key,
                        f"{town}の{product}プロジェクト {number}",
                        f"{town}の若者が{product}を育てる。",
                        number,
                    )
                )
        translation_ids = next_ids(cursor, "wagtailcore_page", len(translations))
        for (language, _source_id, key, title, summary, number), page_id in zip(
            translations, translation_ids, strict=True
        ):
            home = homes[language]
            children[home.pk] += 1
            page_rows.append(
                page_row(
                    page_template,
                    pcol,
                    page_id,
                    home,
                    children[home.pk],
                    title,
                    f"p-{number}",
                    key,
                    now,
                    locale_id=locales[language],
                )
            )
            row = list(project_rows[number])
            row[jcol["page_ptr_id"]] = str(page_id)
            row[jcol["summary"]] = summary
            project_rows.append(row)
        copy_rows(cursor, "wagtailcore_page", page_columns, page_rows)
        copy_rows(cursor, "cms_projectpage", project_columns, project_rows)
        copy_rows(cursor, "cms_projectpage_sdgs", ["projectpage_id", "sustainabledevelopmentgoal_id"], sdg_rows)
        copy_rows(cursor, "cms_projectupdate", ["project_id", "sort_order", "date", "title", "body"], update_rows)
        for parent_id, numchild in children.items():
            Page.objects.filter(pk=parent_id, numchild__lt=numchild).update(numchild=numchild)
        counts["projects"], counts["translations"] = len(ids), len(translations)

        from marketplace.models import DonationCampaign, ProjectListing, SubscriptionPlan

        listings = ProjectListing.objects.bulk_create(
            [
                ProjectListing(
                    project_id=page_id,
                    enterprise=enterprise,
                    seeks_investment=number % 4 == 0,
                    ask_min_twd=300_000 if number % 4 == 0 else None,
                    ask_max_twd=900_000 if number % 8 == 0 else None,
                    stage="seed" if number % 3 == 0 else "",
                )
                for page_id, number in listing_rows
            ],
            batch_size=5000,
        )
        plans = SubscriptionPlan.objects.bulk_create(
            [SubscriptionPlan(listing=listing, name="認養", price_twd=500, rewards="米") for listing in listings[1::4]],
            batch_size=5000,
        )
        campaigns = DonationCampaign.objects.bulk_create(
            [
                DonationCampaign(
                    listing=listing,
                    goal_twd=100_000,
                    deadline=(now + datetime.timedelta(days=60)).date(),
                    funding_model="keep_what_you_raise",
                )
                for listing in listings[2::4]
            ],
            batch_size=5000,
        )
        backings = []
        for listing in listings[::10]:
            for person in range(rng.randint(1, 4)):
                backings.append(
                    Backing(
                        kind="donation",
                        status="paid",
                        listing=listing,
                        backer_email=f"p{person}@example.com",
                        amount_twd=500,
                    )
                )
        Backing.objects.bulk_create(backings, batch_size=5000)
        write_entries(
            [
                LedgerEntry(
                    kind="payment",
                    listing_id=backing.listing_id,
                    backing=backing,
                    amount_twd=500,
                    source_key=f"charge:bench-{backing.pk}",
                    occurred_at=now,
                )
                for backing in backings
            ],
            batch_size=5000,
        )
        counts.update(listings=len(listings), plans=len(plans), campaigns=len(campaigns), backings=len(backings))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def page_row(template, col, page_id, parent, child_number, title, slug, key, published, locale_id=None):
    from wagtail.models import Page

    row = list(template)
    depth = parent.depth + 1
    values = {
        "id": page_id,
        "path": Page._get_path(parent.path, depth, child_number),
        "depth": depth,
        "numchild": 0,
        "title": title,
        "draft_title": title,
        "slug": slug,
        "url_path": f"{parent.url_path}{slug}/",
        "translation_key": key,
        "first_published_at": published.isoformat(),
        "last_published_at": published.isoformat(),
        "latest_revision_id": None,
        "live_revision_id": None,
        "alias_of_id": None,
        "live": "true",
        "has_unpublished_changes": "false",
    }
    if locale_id is not None:
        values["locale_id"] = locale_id
    for name, value in values.items():
        row[col[name]] = None if value is None else str(value)
    return row


if __name__ == "__main__":
    main()
