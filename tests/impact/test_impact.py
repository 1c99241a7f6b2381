"""The impact figures come from ledger rows, commitments and reference data made here; the page, downloads and
admin reports show them."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from cms.models import Sector
from impact import measures
from impact.measures import ImpactFilters
from marketplace.models import DonationCampaign, EnterpriseProfile, Interest, InterestEvent, ProjectListing
from payments import ledger
from payments.ledger import write_entry
from payments.models import Backing, LedgerEntry
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, KOUHU, publish_project
from tests.factories.payments import paid_backing
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

WHEN = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
_keys = iter(range(1, 1_000_000))


def pay(listing, amount, *, backer=None, email="", kind=Backing.Kind.DONATION, when=WHEN):
    plan = listing.subscription_plans.first() if kind == Backing.Kind.SUBSCRIPTION else None
    backing, _entry = paid_backing(listing, amount, when=when, kind=kind, plan=plan, backer=backer, backer_email=email)
    return backing


def entry(listing, kind, amount, backing=None, when=WHEN):
    return write_entry(
        kind=kind,
        listing=listing,
        backing=backing,
        amount_twd=amount,
        source_key=f"{kind}:{next(_keys)}",
        occurred_at=when,
    )


@pytest.fixture
def carol(db):
    return User.objects.create_user(email="carol@example.com", password="x")


@pytest.fixture
def world(listing, market, carol):
    """Two listings in two counties (口湖鄉, 雲林縣 and 關山鎮, 臺東縣) with money, a refund, a payout, a commitment."""
    rice = ProjectListing.objects.get(project=market["rice"])
    DonationCampaign.objects.create(
        listing=rice, goal_twd=100_000, deadline=datetime.date(2027, 1, 1), funding_model="keep_what_you_raise"
    )
    pay(listing, 500, backer=carol, kind=Backing.Kind.SUBSCRIPTION)
    pay(listing, 300, backer=carol, kind=Backing.Kind.SUBSCRIPTION, when=WHEN.replace(month=4))
    refunded = pay(listing, 1_000, email="Guest@Example.com")
    entry(listing, LedgerEntry.Kind.REFUND, -1_000, refunded)  # fully refunded: raises nothing, not a backer
    entry(listing, LedgerEntry.Kind.PAYOUT, -700)  # a payout moves raised money: it does not lower it
    pay(rice, 2_000, backer=carol)  # carol again, in another county
    partly = pay(rice, 1_200, email="guest@example.com", when=WHEN.replace(year=2025))
    entry(rice, LedgerEntry.Kind.REFUND, -200, partly, when=WHEN.replace(year=2025))
    interest = Interest.objects.create(
        company=market["company"],
        project=market["rice"],
        stage=Interest.Stage.COMMITTED,
        committed_amount_twd=1_500_000,
        commitment_proposed_by_side="team",
        commitment_confirmed_at=timezone.now(),  # only confirmed commitments count
    )
    InterestEvent.objects.create(interest=interest, to_stage=Interest.Stage.COMMITTED)
    Interest.objects.create(company=market["company"], project=market["oysters"], stage=Interest.Stage.EXPRESSED)
    return {"listing": listing, "rice": rice, "market": market, "carol": carol}


def by_code(data):
    return {area.code: area.figures for area in data.townships}


def test_figures_come_from_the_ledger_commitments_and_profiles(world):
    data = measures.figures()
    kouhu, guanshan = by_code(data)[KOUHU], by_code(data)[GUANSHAN]

    assert (kouhu.raised_twd, kouhu.backers) == (800, 1), "refund lowers raised, payout does not; refunded guest gone"
    assert (guanshan.raised_twd, guanshan.backers) == (3_000, 2)
    assert guanshan.committed_twd == 1_500_000 and kouhu.committed_twd == 0, "only committed interests count"
    assert kouhu.returned_home == 3, "the enterprise profile of the listing's team, by its township"
    assert (kouhu.projects, guanshan.projects) == (2, 1)  # 口湖: the listing's project and 口湖蚵仔
    assert data.taiwan.figures.raised_twd == 3_800 == ledger.site_totals().raised_twd
    assert data.taiwan.figures.backers == 2 == ledger.site_totals().backers, "carol counts once in Taiwan"
    yunlin = data.county(Township.objects.get(code=KOUHU).county.code).figures
    assert (yunlin.raised_twd, yunlin.backers) == (800, 1)
    assert data.taiwan.figures.population == sum(area.figures.population or 0 for area in data.townships)
    assert data.taiwan.figures.committed_twd == 1_500_000


def test_a_backer_whose_payments_are_all_refunded_is_not_counted(listing, carol):
    backing = pay(listing, 900, backer=carol)
    entry(listing, LedgerEntry.Kind.REFUND, -400, backing)
    assert by_code(measures.figures())[KOUHU].backers == 1
    entry(listing, LedgerEntry.Kind.DISPUTE, -500, backing)
    figures = by_code(measures.figures())[KOUHU]
    assert (figures.raised_twd, figures.backers) == (0, 0)


def test_the_year_filter_dates_money_by_the_ledger(world):
    in_2025 = measures.figures(ImpactFilters(year=2025))
    assert by_code(in_2025)[GUANSHAN].raised_twd == 1_000
    assert by_code(in_2025)[KOUHU].raised_twd == 0
    assert in_2025.taiwan.figures.backers == 1
    assert in_2025.taiwan.figures.committed_twd == 0, "the commitment was made now, not in 2025"
    months = {row.month: row for row in measures.figures(ImpactFilters(year=2026)).months}
    assert months[datetime.date(2026, 3, 1)].raised_twd == 2_500
    assert months[datetime.date(2026, 3, 1)].backers == 1
    assert months[datetime.date(2026, 4, 1)].raised_twd == 300


def test_funding_type_sector_and_township_filters(world):
    donations = measures.figures(ImpactFilters(funding_type="donation"))
    assert donations.taiwan.figures.raised_twd == 3_000, "donations to projects that take donations only"
    assert by_code(donations)[KOUHU].projects == 0
    subscriptions = measures.figures(ImpactFilters(funding_type="subscription"))
    assert subscriptions.taiwan.figures.raised_twd == 800
    assert subscriptions.taiwan.figures.returned_home == 3
    investment = measures.figures(ImpactFilters(funding_type="investment"))
    assert investment.taiwan.figures.committed_twd == 1_500_000
    assert investment.taiwan.figures.raised_twd == 3_000
    crafts = Sector.objects.get(slug="test-crafts")
    by_sector = measures.figures(ImpactFilters(sector_id=crafts.pk))
    assert (by_sector.taiwan.figures.projects, by_sector.taiwan.figures.raised_twd) == (1, 3_000)
    only_kouhu = measures.figures(ImpactFilters(township_codes=(KOUHU,)))
    assert [area.code for area in only_kouhu.townships] == [KOUHU]
    assert (only_kouhu.taiwan.figures.raised_twd, only_kouhu.taiwan.figures.backers) == (800, 1)


def test_a_project_counts_once_across_translations(world):
    from tests.helpers import translation_of

    english = translation_of(world["listing"].project, "en")
    english.save_revision().publish()
    assert by_code(measures.figures())[KOUHU].projects == 2


def test_the_number_of_queries_does_not_grow_with_townships_projects_or_backings(world):
    with CaptureQueriesContext(connection) as small:
        measures.figures()
    for number in range(5):
        project = publish_project(GUANSHAN, f"more {number}")
        listing = ProjectListing.objects.create(project=project, enterprise=world["market"]["enterprise"])
        for person in range(3):
            pay(listing, 100 + person, email=f"p{number}-{person}@example.com")
    with CaptureQueriesContext(connection) as large:
        data = measures.figures()
    assert data.taiwan.figures.backers == 2 + 15
    assert len(large.captured_queries) == len(small.captured_queries) <= measures.QUERY_BUDGET


def test_the_impact_page_renders_the_map_filters_and_figures(client, world):
    response = client.get(reverse("impact:page"))
    assert response.status_code == 200
    text = response.text
    assert 'id="impact-map"' in text and text.count('class="choropleth-region"') == 368
    assert "NT$3,800" in text, "Taiwan's raised figure"
    assert '<option value="raised_twd" selected>' in text, "the list shows the measure the map is coloured by"
    township_page = world["listing"].project.get_parent().url
    assert f'href="{township_page}"' in text, "a township opens its township page"
    other_page = world["market"]["rice"].get_parent().url
    assert f'href="{other_page}"' in text
    with translation.override("en"):
        english = client.get(reverse("impact:page")).text
    details = "NT$ committed by companies: NT$0 · Backers: 1 · Projects: 2 · Team members who returned home: 3"
    assert details in english, "a township's other figures are in its accessible name and readout"
    with translation.override("ja"):
        japanese = client.get(reverse("impact:page")).text
    assert "企業が約束した金額（NT$）：NT$0 · 支援者：1 · " in japanese, "a full-width colon after each label"
    assert "月：NT$" in japanese, "the monthly chart's columns read the same way"

    assert text.count(f'href="{reverse("impact:page")}"') >= 1, "the site navigation links to the impact page"
    assert f'href="{reverse("impact:page")}"' in client.get(reverse("places:township_map")).text

    county = Township.objects.get(code=KOUHU).county.code
    zoomed = client.get(reverse("impact:page"), {"county": county, "measure": "backers", "year": "2026"})
    assert zoomed.status_code == 200 and zoomed.text.count('class="choropleth-region"') < 368
    assert "Back to all of Taiwan" in client.get(f"/en{reverse('impact:page')[8:]}", {"county": county}).text


def test_bad_filters_re_render_with_a_message(client, world):
    response = client.get(reverse("impact:page"), {"measure": "<script>", "funding_type": "loan"})
    assert response.status_code == 400
    assert "&lt;script&gt;" in response.text and "<script>”" not in response.text
    assert client.get(reverse("impact:csv"), {"town": "1234"}).status_code == 400
    assert client.get(reverse("impact:json"), {"year": "1999"}).status_code == 400


def test_the_page_says_so_when_nothing_matches(client, listing):
    EnterpriseProfile.objects.update(members_returned_home=0)
    with translation.override("en"):
        text = client.get(reverse("impact:page"), {"year": "2024"}).text
    assert (
        "No commitments, backings, projects, bookings, volunteering or returning team members match these choices yet."
        in text
    )
    assert "Nothing has happened in these months yet" in text


def test_csv_and_json_downloads_hold_the_figures_and_escape_names(client, world):
    Township.objects.filter(code=KOUHU).update(name_en='=HYPERLINK("http://evil"),"Kouhu"')
    response = client.get(reverse("impact:csv"), {"funding_type": "subscription"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(measures.FIELDS)
    assert rows[0]["level"] == "taiwan" and rows[0]["raised_twd"] == "800"
    kouhu = next(row for row in rows if row["code"] == KOUHU)
    assert kouhu["name_en"] == '\'=HYPERLINK("http://evil"),"Kouhu"', "a formula is neutralised, quotes kept"
    assert (kouhu["raised_twd"], kouhu["backers"], kouhu["level"]) == ("800", "1", "township")
    assert len([row for row in rows if row["level"] == "township"]) == 368

    document = json.loads(client.get(reverse("impact:json"), {"funding_type": "subscription"}).content)
    assert document["filters"]["funding_type"] == "subscription"
    assert document["taiwan"]["raised_twd"] == 800 and set(document["fields"]) == set(measures.FIELDS)
    kouhu = next(area for area in document["townships"] if area["code"] == KOUHU)
    assert kouhu["name_en"] == '=HYPERLINK("http://evil"),"Kouhu"' and kouhu["backers"] == 1
    assert document["months"][0]["month"] == "2026-03"


def test_cached_figures_change_when_the_ledger_does(world, settings):
    from impact.service import cached_figures

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cached_figures(ImpactFilters()).taiwan.figures.raised_twd == 3_800
    pay(world["listing"], 1_000, email="new@example.com")
    assert cached_figures(ImpactFilters()).taiwan.figures.raised_twd == 4_800


def _queued_refreshes():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path="impact.tasks.refresh_impact_figures"))


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "anonymous page cache"])
def test_after_a_payment_the_page_shows_the_previous_figures_until_the_queued_refresh_has_run(
    client, world, settings, page_cache
):
    from impact import service

    # Both through the settings fixture: an override_settings decorator undone before the fixture's own override
    # would leave its settings in place for every later test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PAGE_CACHE_ENABLED = page_cache

    cache.delete_many([service._snapshot_key(ImpactFilters()), service._lock_key(ImpactFilters())])  # other tests'
    with translation.override("en"):
        first = client.get(reverse("impact:page")).text
        assert "NT$3,800" in first and "Figures as of" in first and "impact-stale" not in first
        assert _queued_refreshes() == [], "a first visit computes the figures: there is nothing older to show"

        kouhu = Township.objects.select_related("county").get(code=KOUHU).full_name
        assert f'aria-label="{kouhu}: NT$800 · ' in first, "the map's region of the listing's township"

        pay(world["listing"], 1_000, email="new@example.com")
        for _visit in range(3):  # every visitor gets the page at once, with the previous figures, marked as such
            page = client.get(reverse("impact:page")).text
            assert "NT$3,800" in page and "NT$4,800" not in page and f'aria-label="{kouhu}: NT$800 · ' in page
            assert "impact-stale" in page and "The figures are being brought up to date" in page
        queued = _queued_refreshes()
        assert len(queued) == 1, "one refresh queued, however many visitors came meanwhile"

        # What the worker runs (the db_worker command itself closes the test's connection): the queued call.
        queued[0].task.call(*queued[0].args_kwargs["args"], **queued[0].args_kwargs["kwargs"])
        page = client.get(reverse("impact:page")).text
    assert "NT$4,800" in page and "impact-stale" not in page, "once refreshed: exactly what the ledger says"
    assert f'aria-label="{kouhu}: NT$1,800 · ' in page, "the map is drawn again with the new figures"
    assert service.page_snapshot(ImpactFilters()).data.taiwan.figures.raised_twd == ledger.site_totals().raised_twd
    assert cache.get(service._lock_key(ImpactFilters())) is None, "the next payment queues the next refresh"
    assert service.cached_figures(ImpactFilters()).taiwan.figures.raised_twd == 4_800, "downloads are never stale"


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_refresh_that_does_not_arrive_in_time_is_computed_in_the_request(client, world):
    from impact import service

    filters = ImpactFilters()
    service.cached_figures(filters)
    cache.delete(service._lock_key(filters))
    pay(world["listing"], 1_000, email="new@example.com")
    assert service.page_snapshot(filters).stale and len(_queued_refreshes()) == 1
    # No worker ran it: once REFRESH_WAIT_SECONDS have passed, a visitor waits for the figures rather than
    # see old ones for long (a missing worker, or one that does not share the cache).
    late = timezone.now() - datetime.timedelta(seconds=service.REFRESH_WAIT_SECONDS + 1)
    cache.set(service._lock_key(filters), late, service.REFRESH_LOCK_SECONDS)
    snapshot = service.page_snapshot(filters)
    assert not snapshot.stale and snapshot.data.taiwan.figures.raised_twd == 4_800


def test_the_data_version_changes_with_every_source_of_the_figures(world):
    from impact.service import data_version

    versions = [data_version()]

    def changed():
        versions.append(data_version())
        return versions[-1] != versions[-2]

    pay(world["listing"], 100, email="v@example.com")
    assert changed(), "a payment"
    entry(world["listing"], LedgerEntry.Kind.REFUND, -100)
    assert changed(), "a refund"
    interest = Interest.objects.get(stage=Interest.Stage.EXPRESSED)
    interest.stage = Interest.Stage.COMMITTED
    interest.commitment_confirmed_at = timezone.now()
    interest.save()
    assert changed(), "an interest moving to committed"
    world["market"]["rice"].unpublish()
    assert changed(), "a project unpublished"
    world["market"]["rice"].save_revision().publish()
    assert changed(), "a project published"
    assert not changed(), "nothing changed"


@pytest.fixture
def staff(db):
    return with_mfa(User.objects.create_superuser("editor@homeward.test", "pw-for-tests-123"))


def test_staff_see_the_dashboard_panel_and_reports(client, staff, world):
    Township.objects.filter(code=GUANSHAN).update(is_priority_area=True)
    client.force_login(staff)
    home = client.get(reverse("wagtailadmin_home"))
    assert 'id="impact-figures"' in home.text.replace("impact-figures-", "") or "impact-figures" in home.text
    assert "NT$3,800" in home.text

    counties = client.get(reverse("impact_county_report"))
    assert counties.status_code == 200 and "NT$3,800" in counties.text
    exported = client.get(reverse("impact_county_report"), {"export": "csv", "year": "2025"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["area", "code", *measures.MEASURES]
    assert rows[-1][1] == "taiwan" and rows[-1][rows[0].index("raised_twd")] == "1000", "2025 only"

    priority = client.get(reverse("impact_priority_report"))
    assert priority.status_code == 200
    exported = client.get(reverse("impact_priority_report"), {"export": "csv"})
    rows = {row[1]: row for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))}
    header = rows["code"]
    assert rows["priority"][header.index("raised_twd")] == "3000"
    assert rows["other"][header.index("raised_twd")] == "800"
    assert rows[GUANSHAN][header.index("committed_twd")] == "1500000"
    assert KOUHU not in rows, "only priority townships are listed one by one"


def test_people_who_are_not_staff_get_no_panel_nor_report(client, world):
    outsider = UserFactory(email="nobody@example.tw")
    client.force_login(outsider)
    assert client.get(reverse("impact_county_report")).status_code in (302, 403)
    from impact.wagtail_hooks import add_impact_panel

    class Request:
        user = outsider

    panels = []
    add_impact_panel(Request(), panels)
    assert panels == []


def test_the_company_report_links_to_the_map_of_what_it_backed(client, world):
    market = world["market"]
    client.force_login(market["carol"])
    text = client.get(reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug})).text
    assert f"{reverse('impact:page')}?town={GUANSHAN}" in text
    with translation.override("en"):
        map_page = client.get(reverse("impact:page"), {"town": GUANSHAN})
    assert map_page.status_code == 200 and "Showing 1 chosen township only." in map_page.text
    assert "NT$3,000" in map_page.text and "NT$3,800" not in map_page.text, "Taiwan's headline: that township only"


def _commit(company, project, amount, when=WHEN):
    interest = Interest.objects.create(
        company=company,
        project=project,
        stage=Interest.Stage.COMMITTED,
        committed_amount_twd=amount,
        commitment_proposed_by_side="team",
        commitment_confirmed_at=when,
    )
    InterestEvent.objects.create(interest=interest, to_stage=Interest.Stage.COMMITTED)
    InterestEvent.objects.filter(interest=interest).update(at=when)
    return interest


def _other_company(name, number):
    from accounts import actions as account_actions
    from accounts.models import Organisation
    from marketplace.models import CompanyProfile

    owner = UserFactory(email=f"{number}@example.tw")
    organisation = account_actions.create_organisation(owner, kind=Organisation.Kind.COMPANY, name=name)
    return CompanyProfile.objects.create(organisation=organisation, unified_business_number=number, size="small")


def test_a_private_commitment_is_not_public_until_three_companies_contribute(client, staff, world):
    """#17.5: impact.json?town=<code> showed the exact amount one company agreed in private."""
    market = world["market"]
    Interest.objects.filter(company=market["company"], project=market["rice"]).update(committed_amount_twd=12_345_678)
    document = json.loads(client.get(reverse("impact:json"), {"town": GUANSHAN}).content)
    guanshan = next(area for area in document["townships"] if area["code"] == GUANSHAN)
    assert guanshan["committed_twd"] is None and "committed_companies" not in guanshan
    assert document["taiwan"]["committed_twd"] == 0 and document["counties"][0]["committed_twd"] == 0
    assert {row["committed_twd"] for row in document["months"]} <= {None, 0}
    csv_rows = list(csv.DictReader(io.StringIO(client.get(reverse("impact:csv")).content.decode("utf-8-sig"))))
    assert "12345678" not in {row["committed_twd"] for row in csv_rows}
    with translation.override("en"):
        page = client.get(reverse("impact:page")).text
    assert "12,345,678" not in page and "Not shown (fewer than 3 companies)" in page

    # Staff reports keep the exact figure.
    client.force_login(staff)
    exported = client.get(reverse("impact_county_report"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[-1][rows[0].index("committed_twd")] == "12345678"
    client.logout()

    # A second company: still withheld. A third: the township's sum is public, and so are the totals.
    _commit(_other_company("第二公司", "04595257"), market["rice"], 100_000)  # still one company in one month
    document = json.loads(client.get(reverse("impact:json")).content)
    assert next(a for a in document["townships"] if a["code"] == GUANSHAN)["committed_twd"] is None
    _commit(_other_company("第三公司", "04595252"), market["rice"], 200_000)
    document = json.loads(client.get(reverse("impact:json")).content)
    assert next(a for a in document["townships"] if a["code"] == GUANSHAN)["committed_twd"] == 12_645_678
    assert document["taiwan"]["committed_twd"] == 12_645_678


def test_a_withheld_township_is_not_left_over_in_its_county_total(world):
    """The public county total adds up the shown townships only: total minus shown cells reveals nothing."""
    market = world["market"]
    oysters_town = market["oysters"].township
    companies = [_other_company(f"公司{n}", f"1000000{n}") for n in range(3)]
    for company in companies:
        _commit(company, market["oysters"], 1_000)
    exact = measures.figures()
    public = measures.public_view(exact)
    by_public = {area.code: area.figures.committed_twd for area in public.townships}
    assert by_public[GUANSHAN] is None and by_public[oysters_town.code] == 3_000
    assert exact.taiwan.figures.committed_twd == 1_503_000, "the exact figures are left as they were"
    assert public.taiwan.figures.committed_twd == 3_000
    for county in public.counties:
        shown = [by_public[a.code] or 0 for a in public.townships if a.county_code == county.code]
        assert county.figures.committed_twd == sum(shown)


def test_township_lists_are_normalised_bounded_and_not_kept_in_the_cache(client, world, monkeypatch):
    """#17.4: each new town= list stored ~395 KB in the cache; now lists are bounded and computed per request."""
    from impact import forms, service, views

    stored = []

    class Recording:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def set(self, key, *args, **kwargs):
            stored.append(key)
            return self.real.set(key, *args, **kwargs)

        def set_many(self, values, *args, **kwargs):
            stored.extend(values)
            return self.real.set_many(values, *args, **kwargs)

    monkeypatch.setattr(views, "cache", Recording(views.cache))
    monkeypatch.setattr(service, "cache", Recording(service.cache))
    codes = list(Township.objects.order_by("code").values_list("code", flat=True)[: forms.MAX_TOWNSHIPS + 1])

    too_many = client.get(reverse("impact:json"), {"town": codes})
    assert too_many.status_code == 400
    assert "50" in json.dumps(too_many.json()["errors"]["town"], ensure_ascii=False)
    with translation.override("en"):
        page = client.get(reverse("impact:page"), {"town": codes})
    assert page.status_code == 400 and "Choose at most 50 townships (51 were chosen)." in page.text

    chosen = [GUANSHAN, KOUHU, *codes[:3]]
    first = client.get(reverse("impact:json"), {"town": chosen})
    again = client.get(reverse("impact:json"), {"town": [f" {c} " for c in reversed(chosen)] + [KOUHU]})
    assert first.status_code == again.status_code == 200
    assert first.json()["filters"]["townships"] == again.json()["filters"]["townships"] == sorted(set(chosen))
    assert client.get(reverse("impact:page"), {"town": chosen}).status_code == 200
    assert client.get(reverse("impact:csv"), {"town": codes[:50]}).status_code == 200
    assert stored == [], "a visitor's own list of townships is computed, not kept"

    cache.delete(service._snapshot_key(ImpactFilters()))  # another test's copy of the shared figures
    assert client.get(reverse("impact:page")).status_code == 200
    assert any(key.startswith("impact:snapshot:") for key in stored), "the shared map is still cached"


def test_anonymous_visitors_share_one_rendered_impact_page_per_language_and_figures(
    client, world, settings, monkeypatch
):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    with translation.override("en"):
        url = reverse("impact:page") + "?measure=backers"
        assert client.get(url).get("X-Page-Cache") == "miss"
        # (the site's first request creates its navigation settings: a site-wide change, so one more render)
        states = [client.get(url) for _ in range(3)]
        again = states[-1]
        assert [page.get("X-Page-Cache") for page in states][-2:] == ["hit", "hit"] and "NT$3,800" in again.text
        # A hit finds the kept page by the figures' stamp and never reads the figures (the 368 townships) themselves.
        read, get = [], cache.get
        monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: read.append(key) or get(key, *args, **kwargs))
        assert client.get(url).get("X-Page-Cache") == "hit"
        monkeypatch.undo()
        assert any(key.startswith("impact:snapshot-stamp:") for key in read)
        assert not any(key.startswith("impact:snapshot:") for key in read)
        # another filter, another copy
        assert client.get(f"{url}&year={timezone.now().year}").get("X-Page-Cache") == "miss"
    with translation.override("ja"):
        japanese = client.get(reverse("impact:page") + "?measure=backers")
    assert japanese.get("X-Page-Cache") == "miss" and 'lang="ja"' in japanese.text

    client.force_login(world["carol"])
    signed_in = client.get(url)
    assert signed_in.get("X-Page-Cache") is None and "NT$3,800" in signed_in.text
