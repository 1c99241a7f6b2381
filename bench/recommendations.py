"""Time to compute a company's top 20 recommendations with 10,000 public projects on PostgreSQL.

Uses its own database `homeward_bench` on the PostgreSQL server of DATABASE_URL (dropped and made again on
each run), so start the services first:

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/recommendations.py [--projects 10000] [--repeat 50]

The projects are written in bulk: one real ProjectPage is made through Wagtail, then its two rows
(wagtailcore_page, cms_projectpage) are copied with fresh tree paths under the 368 township pages; each
project gets a sector, two SDGs, a listing with an investment ask, and updates; one listing in twenty has backers
in the payments ledger. The company has five hometown ties, two sectors, three SDGs and a ticket range. Prints
median and p95 of recommend_projects() next to the previous all-Python version (bench/recommendations_baseline.py)
measured in the same process, and whether both give the same projects, scores and reasons.
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
BENCH_DATABASE = "homeward_bench"


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
    parser.add_argument("--projects", type=int, default=10_000)
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
    from django.utils import timezone

    from bench.timing import measure, summary
    from marketplace.matching import recommend_projects

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    company = build(options.projects)
    print(f"data: {options.projects} public projects (built in {time.perf_counter() - started:.0f} s, PostgreSQL)")

    from bench.recommendations_baseline import previous_recommend_projects
    from bench.timing import print_table

    now = timezone.now()
    top = recommend_projects(company, now=now)
    before = previous_recommend_projects(company, now=now)
    same = [(r.project.pk, r.score, r.reasons) for r in top] == [(r.project.pk, r.score, r.reasons) for r in before]
    print(f"same projects, scores and reasons as the previous version: {same}")
    rows = {
        "previous (every project in Python)": measure(lambda: previous_recommend_projects(company), options.repeat),
        "current (database candidates)": measure(lambda: recommend_projects(company), options.repeat),
    }
    print_table(rows, "previous (every project in Python)")
    figures = summary(rows["current (database candidates)"])
    timing = f"median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms (n={figures['n']})"
    print(f"top {len(top)} recommendations: {timing}")
    print(f"best: score {top[0].score}, {len(top[0].reasons)} reasons")


def build(project_count):
    """The catalogues, `project_count` public projects and the company (returned)."""
    world = prepare()
    add_projects(world, project_count)
    return make_company(world)


def prepare():
    """Townships and their pages, catalogues, the template project page and the enterprise: what projects need."""
    from django.db import connection

    from accounts.models import Organisation
    from cms.actions import ensure_project_review_workflow, ensure_township_pages
    from cms.demo import ensure_catalogues, ensure_home_pages
    from cms.models import ProjectPage, Sector, SustainableDevelopmentGoal, TownshipPage
    from marketplace.models import EnterpriseProfile
    from places.actions import load_townships
    from places.models import Township

    load_townships()
    ensure_home_pages()
    ensure_project_review_workflow()
    ensure_catalogues()
    ensure_township_pages()
    random.seed(5)
    parents = list(TownshipPage.objects.filter(locale__language_code="zh-hant").order_by("path"))
    Township.objects.filter(code__in=[p.township.code for p in parents[::3]]).update(is_priority_area=True)
    sectors = list(Sector.objects.all())
    sdgs = list(SustainableDevelopmentGoal.objects.all())
    template = parents[0].add_child(instance=ProjectPage(title="樣板", slug="template", sector=sectors[0]))
    template.save_revision().publish()
    columns = [field.column for field in ProjectPage._meta.local_concrete_fields]
    with connection.cursor() as cursor:
        # Column names come from the model, never from input.
        select = f"SELECT {', '.join(columns)} FROM cms_projectpage WHERE page_ptr_id = %s"  # noqa: S608
        cursor.execute(select, [template.pk])
        template_row = dict(zip(columns, cursor.fetchone(), strict=True))
    enterprise_org = Organisation.objects.create(kind="enterprise", name="團隊", slug="team")
    enterprise = EnterpriseProfile.objects.create(organisation=enterprise_org, township=parents[0].township)
    return {
        "parents": parents,
        "sectors": sectors,
        "sdgs": sdgs,
        "template": template,
        "template_row": template_row,
        "columns": columns,
        "enterprise": enterprise,
        "made": 0,
    }


def add_projects(world, project_count):
    """`project_count` more public projects (numbered after those already made), with their SDGs, updates,
    listings and backers."""
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page

    from cms.models import ProjectPage, ProjectUpdate
    from marketplace.models import ProjectListing

    parents, sectors, sdgs = world["parents"], world["sectors"], world["sdgs"]
    template, template_row, columns = world["template"], world["template_row"], world["columns"]
    enterprise = world["enterprise"]
    page_fields = [field for field in Page._meta.concrete_fields if field.name not in ("id",)]
    content_type_id = template.content_type_id
    now = timezone.now()
    first = world["made"]
    world["made"] += project_count
    with transaction.atomic():
        new_pages = []
        children = dict(Page.objects.filter(pk__in=[parent.pk for parent in parents]).values_list("pk", "numchild"))
        for number in range(first, first + project_count):
            parent = parents[number % len(parents)]
            children[parent.pk] += 1
            page = Page(
                **{field.attname: getattr(template, field.attname) for field in page_fields},
            )
            page.pk = None
            page.title = f"專案 {number}"
            page.slug = f"project-{number}"
            page.draft_title = page.title
            page.url_path = f"{parent.url_path}project-{number}/"
            page.depth = parent.depth + 1
            page.path = Page._get_path(parent.path, page.depth, children[parent.pk])
            page.numchild = 0
            page.first_published_at = now - datetime.timedelta(days=random.randint(0, 720))
            page.last_published_at = page.first_published_at
            page.content_type_id = content_type_id
            page.translation_key = uuid.uuid4()
            page.latest_revision_id = None
            page.live_revision_id = None
            new_pages.append((page, parent))
        Page.objects.bulk_create([page for page, _parent in new_pages], batch_size=1000)
        rows = []
        for page, parent in new_pages:
            row = dict(template_row)
            row.update(page_ptr_id=page.pk, township_id=parent.township_id, sector_id=random.choice(sectors).pk)
            rows.append([row[column] for column in columns])
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO cms_projectpage ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(insert, rows)
        for parent in parents:
            Page.objects.filter(pk=parent.pk).update(numchild=children[parent.pk])
        through = ProjectPage.sdgs.through
        through.objects.bulk_create(
            [
                through(projectpage_id=page.pk, sustainabledevelopmentgoal_id=sdg.pk)
                for page, _parent in new_pages
                for sdg in random.sample(sdgs, 2)
            ],
            batch_size=5000,
        )
        ProjectUpdate.objects.bulk_create(
            [
                ProjectUpdate(
                    project_id=page.pk,
                    date=(now - datetime.timedelta(days=random.randint(0, 200))).date(),
                    title="消息",
                    body="<p>x</p>",
                    sort_order=index,
                )
                for page, _parent in new_pages
                for index in range(random.randint(0, 3))
            ],
            batch_size=5000,
        )
        listings = []
        for page, _parent in new_pages[::2]:
            low = random.choice([100_000, 300_000, 1_000_000, 3_000_000])
            listings.append(
                ProjectListing(
                    project_id=page.pk,
                    enterprise=enterprise,
                    seeks_investment=True,
                    ask_min_twd=low,
                    ask_max_twd=low * 3,
                    instrument="equity",
                )
            )
        listings = ProjectListing.objects.bulk_create(listings, batch_size=2000)
        # Backers on one listing in twenty (1 to 30 people each), from the payments ledger.
        from payments.ledger import write_entries
        from payments.models import Backing, LedgerEntry

        backings = []
        for listing in sorted(listings, key=lambda listing: listing.pk)[::20]:
            for person in range(random.randint(1, 30)):
                backings.append(
                    Backing(
                        kind="donation",
                        status="paid",
                        listing=listing,
                        backer_email=f"p{person}@example.com",
                        amount_twd=500,
                    )
                )
        Backing.objects.bulk_create(backings, batch_size=2000)
        write_entries(
            [
                LedgerEntry(
                    kind="payment",
                    listing_id=backing.listing_id,
                    backing=backing,
                    amount_twd=500,
                    source_key=f"charge:{backing.pk}",
                    occurred_at=now,
                )
                for backing in backings
            ],
            batch_size=2000,
        )


def make_company(world):
    from accounts.models import Organisation
    from marketplace.models import CompanyProfile, HometownTie

    parents, sectors, sdgs = world["parents"], world["sectors"], world["sdgs"]
    organisation = Organisation.objects.create(kind="company", name="公司", slug="company")
    company = CompanyProfile.objects.create(
        organisation=organisation,
        unified_business_number="22099131",
        size="large",
        ticket_min_twd=500_000,
        ticket_max_twd=2_000_000,
    )
    company.sectors_of_interest.set(sectors[:2])
    company.sdg_focus.set(sdgs[:3])
    for kind, parent in zip(
        ["founder", "headquarters", "plant", "employees", "employees"], random.sample(parents, 5), strict=True
    ):
        HometownTie.objects.create(company=company, kind=kind, township=parent.township, employee_count=4)
    return company


if __name__ == "__main__":
    main()
