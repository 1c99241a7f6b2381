"""The impact figures, per township, per county and for Taiwan: computed, never typed in.

Sources and definitions (the CSV/JSON downloads document the same fields, see ``FIELDS``):

- ``committed_twd``: NT$ committed by companies — commitments both sides confirmed
  (``marketplace.queries.confirmed_commitments``, the same as the corporate impact report), their
  ``committed_amount_twd``; dated by the confirmation. A commitment one side proposed and the other has not
  confirmed does not count.
- ``raised_twd`` and ``backers``: citizens' money, from the payments ledger only, with ``payments.ledger``'s
  definitions: raised = payments + refunds + lost disputes (payouts do not lower it) of backings not paid as a
  company; a backer is a person (``payments.ledger.backer_person``: an account, else a guest's email address,
  else the backing) with at least one such backing whose net in the ledger (within the chosen year, when one is
  chosen) is above zero. A person is counted once per area: the county and Taiwan figures count distinct people,
  they are not sums of the townships'.
- ``corporate_twd``: corporate money, counted apart from citizens': the same ledger sum of the backings a company
  admin paid as the company (``payments.corporate``: donations and subscriptions with a corporate payer).
- ``projects``: live, public project pages, a project counted once across its translations; dated by
  first publication.
- ``returned_home``: team members who returned home (``EnterpriseProfile.members_returned_home``) by the
  enterprise's township. A current count: the year does not apply to it.
- ``batches_traced``: public product batches with at least one record in their hash chain
  (``traceability.impact.traced_batches``) of live, public projects, by the project's township; dated by the
  batch's first publication.
- ``devices_live``: devices of live, public projects that show a measure publicly and reported within the last
  24 hours (``traceability.impact.live_devices``), by the device's own township. A current count: the year does
  not apply to it.
- people and participation (issue 19), by the township where it happens:
  ``volunteer_hours``: hours of volunteering shifts people attended (``experiences.impact``), dated by the shift;
  ``bookings``: places confirmed or attended on experiences, events and volunteering shifts, dated by the slot;
  ``engagements_done``: offers of help completed (``people.impact``), by the help request's township, dated by the
  offer's last change; ``organisations``: township offices, county governments, universities, foundations and
  community associations based in the township (a current count: the year does not apply to it). Sector, SDG and
  funding type select projects and do not apply to these four; the year and the list of townships do.
- context from the reference data: ``population``, ``share_aged_65_plus`` (county and Taiwan: weighted
  by population) and ``aging_index`` (county and Taiwan: people aged 65+ per 100 children, both derived
  from the townships' figures).

Filters (``ImpactFilters``; the form whitelists them): year; sector; SDG; funding type (investment:
projects whose listing seeks investment; subscription / donation: projects with subscription plans /
a donation campaign, and citizens' money from backings of that kind only); a list of townships (the
corporate report's link). Sector, SDG and funding type select projects; the enterprises counted for
``returned_home`` are then those behind at least one selected public project.

Private commitments stay private: a company's committed amount is agreed in a private interest pipeline. The
figures computed here are exact (staff reports, the admin panel); what the public page and its downloads show is
``public_view(data)``: a township's or a month's ``committed_twd`` only where at least ``PUBLIC_MIN_COMPANIES``
companies contribute to it (otherwise ``None``, shown as withheld), and the county and Taiwan totals the sums of
the shown townships (so no total minus the shown cells gives a withheld one). The companies themselves see their
own commitments in their pipeline.

Every figure comes from a fixed handful of aggregate queries (``QUERY_BUDGET``), whatever the number
of townships, projects or backings.
"""

import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import EnterpriseProfile, ProjectListing
from marketplace.queries import confirmed_commitments
from payments.ledger import RAISING_KINDS, backer_person
from payments.models import Backing, LedgerEntry
from places.models import County, Township

FUNDING_TYPES = {
    "investment": _("Investment"),
    "subscription": _("Subscription"),
    "donation": _("Donation"),
}

# The measures a map can be coloured by, in the order the page offers them.
MEASURES = {  # the first is the default (an unbound form, or no measure in the query), so its option shows selected
    "raised_twd": _("NT$ raised from citizens"),
    "backers": _("Backers"),
    "committed_twd": _("NT$ committed by companies"),
    "corporate_twd": _("NT$ paid by companies"),
    "projects": _("Projects"),
    "returned_home": _("Team members who returned home"),
    "batches_traced": _("Batches traced"),
    "devices_live": _("Devices sending live data"),
    "volunteer_hours": _("Hours volunteered"),
    "engagements_done": _("Engagements completed"),
    "bookings": _("Places booked"),
    "organisations": _("Organisations taking part"),
    "population": _("Population"),
    "share_aged_65_plus": _("Share aged 65 and over"),
    "aging_index": _("Aging index"),
}
ACTIVITY_MEASURES = (
    "committed_twd",
    "raised_twd",
    "backers",
    "projects",
    "returned_home",
    "batches_traced",
    "devices_live",
    "corporate_twd",
    "volunteer_hours",
    "engagements_done",
    "bookings",
    "organisations",
)
# Measures of people and participation (issue 19): the project filters (sector, SDG, funding type) do not apply.
PEOPLE_MEASURES = ("volunteer_hours", "engagements_done", "bookings", "organisations")

# Documented fields of the downloads (CSV columns, JSON keys of each area).
FIELDS = {
    "level": _("township, county or taiwan"),
    "code": _("Ministry of the Interior town or county code (empty for Taiwan)"),
    "name_zh": _("name in Chinese"),
    "name_en": _("name in English"),
    "county_code": _("the township's county code (empty for counties and Taiwan)"),
    "is_priority_area": _("the township is a National Development Council priority area (townships only)"),
    "committed_twd": _("NT$ committed by companies (interests at a committed stage)"),
    "raised_twd": _(
        "NT$ raised from citizens: payments, refunds and lost disputes in the ledger of backings not paid as a company"
    ),
    "corporate_twd": _(
        "NT$ paid by companies: payments, refunds and lost disputes in the ledger of backings paid as a company"
    ),
    "backers": _("distinct people whose backings net above zero in the ledger"),
    "projects": _("live public projects, each counted once across its translations"),
    "returned_home": _("team members who returned home, by the enterprise's township"),
    "batches_traced": _("public product batches with a verifiable record chain, by the project's township"),
    "devices_live": _("devices that reported in the last 24 hours and show data publicly, by the device's township"),
    "volunteer_hours": _("hours of volunteering shifts people attended, by the experience's township"),
    "engagements_done": _("offers of help completed, by the help request's township"),
    "bookings": _("places confirmed or attended on experiences, events and volunteering, by the experience's township"),
    "organisations": _("township offices, governments, universities, foundations and associations based there"),
    "population": _("population (reference data)"),
    "share_aged_65_plus": _("share aged 65 and over, % (reference data; weighted by population above townships)"),
    "aging_index": _("aging index: people aged 65+ per 100 aged under 15 (reference data)"),
}

# figures() runs at most this many queries, whatever the size of the data: townships, counties, four sums, the
# distinct-backer counts (one query on PostgreSQL, three elsewhere), four monthly series, the traced batches and
# the live devices, the four people measures (volunteer hours, bookings, engagements, organisations), and Wagtail's
# view-restriction look-up for each public() project query.
QUERY_BUDGET = 22

# A public committed figure sums the commitments of at least this many companies (see the module doc).
PUBLIC_MIN_COMPANIES = 3


@dataclass(frozen=True)
class ImpactFilters:
    year: int | None = None
    sector_id: int | None = None
    sdg_number: int | None = None
    funding_type: str | None = None
    township_codes: tuple = ()

    @property
    def selects_projects(self):
        return bool(self.sector_id or self.sdg_number or self.funding_type)


@dataclass
class Figures:
    committed_twd: int = 0
    raised_twd: int = 0
    corporate_twd: int = 0
    backers: int = 0
    projects: int = 0
    returned_home: int = 0
    batches_traced: int = 0
    devices_live: int = 0
    volunteer_hours: float = 0
    engagements_done: int = 0
    bookings: int = 0
    organisations: int = 0
    population: int | None = None
    share_aged_65_plus: float | None = None
    aging_index: int | None = None
    committed_companies: int = 0  # how many companies the committed figure sums (not published; townships only)

    def value(self, measure):
        return getattr(self, measure)

    def as_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "committed_companies"}


@dataclass
class Area:
    """A township, a county or Taiwan with its figures."""

    level: str
    code: str
    name_zh: str
    name_en: str
    figures: Figures
    county_code: str = ""
    is_priority_area: bool | None = None
    township_count: int = 0

    @property
    def name(self):
        from django.utils.translation import get_language

        language = (get_language() or "zh-hant").lower()
        if language.startswith("ja"):
            from places.japanese import japanese_place_name

            return japanese_place_name(self.name_zh)
        return self.name_zh if language.startswith("zh") else self.name_en


@dataclass
class MonthRow:
    month: object  # a date, the first of the month
    committed_twd: int = 0
    raised_twd: int = 0
    corporate_twd: int = 0
    backers: int = 0
    projects: int = 0
    committed_companies: int = 0  # not published


@dataclass
class ImpactData:
    filters: ImpactFilters
    taiwan: Area
    counties: list  # Area, by code
    townships: list  # Area, by code
    months: list = field(default_factory=list)  # MonthRow, oldest first

    def township_values(self, measure):
        return {area.code: area.figures.value(measure) for area in self.townships}

    def county(self, code):
        return next((area for area in self.counties if area.code == code), None)

    @property
    def has_activity(self):
        return any(self.taiwan.figures.value(measure) for measure in ACTIVITY_MEASURES)


# --- project selection -------------------------------------------------------------------------------------


def _listing_condition(funding_type, prefix=""):
    """Q on ProjectListing (through `prefix`) for the projects that offer the funding type."""
    if funding_type == "investment":
        return Q(**{f"{prefix}seeks_investment": True})
    if funding_type == "subscription":
        return Q(**{f"{prefix}subscription_plans__isnull": False})
    if funding_type == "donation":
        return Q(**{f"{prefix}donation_campaign__isnull": False})
    return Q()


def _page_condition(filters, prefix):
    """Q on ProjectPage (through `prefix`, e.g. "listing__project__") for sector, SDG, funding type, townships."""
    from cms.models import ProjectPage

    condition = Q()
    if filters.sector_id:
        condition &= Q(**{f"{prefix}sector_id": filters.sector_id})
    if filters.sdg_number:
        condition &= Q(
            **{
                f"{prefix}translation_key__in": ProjectPage.objects.filter(sdgs__number=filters.sdg_number).values(
                    "translation_key"
                )
            }
        )
    if filters.funding_type:
        listings = ProjectListing.objects.filter(_listing_condition(filters.funding_type)).values(
            "project__translation_key"
        )
        condition &= Q(**{f"{prefix}translation_key__in": listings})
    if filters.township_codes:
        condition &= Q(**{f"{prefix}township__code__in": list(filters.township_codes)})
    return condition


def _public_projects(filters):
    from cms.public import public_projects

    projects = public_projects().filter(_page_condition(filters, ""))
    if filters.year:
        projects = projects.filter(first_published_at__year=filters.year)
    return projects.order_by()


CITIZEN = Q(backing__paying_organisation__isnull=True)  # not paid as a company (payments.corporate)


def _ledger_entries(filters):
    """Every raising ledger entry of the selection, citizens' and companies' (split by ``CITIZEN``)."""
    entries = LedgerEntry.objects.filter(kind__in=RAISING_KINDS).filter(_page_condition(filters, "listing__project__"))
    if filters.funding_type in ("subscription", "donation"):
        entries = entries.filter(backing__kind=Backing.Kind(filters.funding_type))
    if filters.year:
        entries = entries.filter(occurred_at__year=filters.year)
    return entries.order_by()


def _commitments(filters):
    interests = (
        confirmed_commitments()
        .filter(_page_condition(filters, "project__"))
        .annotate(committed_at=F("commitment_confirmed_at"))
    )
    if filters.year:
        interests = interests.filter(committed_at__year=filters.year)
    return interests.order_by()


def _enterprises(filters):
    enterprises = EnterpriseProfile.objects.all()
    if filters.township_codes:
        enterprises = enterprises.filter(township__code__in=list(filters.township_codes))
    if filters.selects_projects:
        selected = ProjectListing.objects.filter(
            enterprise=OuterRef("pk"),
            project__translation_key__in=_public_projects(
                ImpactFilters(
                    sector_id=filters.sector_id, sdg_number=filters.sdg_number, funding_type=filters.funding_type
                )
            ).values("translation_key"),
        )
        enterprises = enterprises.filter(Exists(selected))
    return enterprises.order_by()


def _traceability(filters):
    """({township id: traced batches}, {township id: live devices}) of the selected public projects.

    Batches count in their project's township (their records may pass through several); devices in the township
    where they stand. Both follow sector, SDG, funding type and the list of townships; the year dates batches by
    their first publication and does not apply to devices (a current count).
    """
    from traceability.impact import live_devices, traced_batches

    keys = _public_projects(replace(filters, year=None, township_codes=())).values("translation_key")
    batches = traced_batches().filter(listing__project__translation_key__in=keys)
    devices = live_devices().filter(listing__project__translation_key__in=keys)
    if filters.township_codes:
        batches = batches.filter(listing__project__township__code__in=list(filters.township_codes))
        devices = devices.filter(township__code__in=list(filters.township_codes))
    if filters.year:
        batches = batches.filter(published_at__year=filters.year)
    return (
        _sum_by(batches.order_by(), "listing__project__township_id", Count("id")),
        _sum_by(devices.order_by(), "township_id", Count("id")),
    )


# --- distinct backers, grouped in SQL ----------------------------------------------------------------------


def _netted(entries, group_fields):
    """SQL and parameters of the backings whose net (in `entries`) is above zero: columns person, g0, g1, …

    The inner query of every backer count: it nets each backing as ``ledger._net_by_backing`` does.
    """
    names = [f"g{index}" for index in range(len(group_fields))]
    inner = (
        entries.filter(backing__isnull=False)
        .annotate(person=backer_person("backing__"), **dict(zip(names, group_fields, strict=True)))
        .values("backing_id", "person", *names)
        .annotate(net=Sum("amount_twd"))
        .filter(net__gt=0)
        .values("person", *names)
    )
    return inner.query.sql_with_params()


def _distinct_backers(entries, group_fields):
    """{group tuple: distinct people} where each person has a backing whose net (in `entries`) is above zero.

    The outer query counts distinct people per group, so a person is counted once per group however many
    backings they have.
    """
    sql, params = _netted(entries, group_fields)
    quote = connection.ops.quote_name
    groups = ", ".join(quote(f"g{index}") for index in range(len(group_fields)))
    select_groups = f"{groups}, " if groups else ""
    group_by = f" GROUP BY {groups}" if groups else ""
    outer = f"SELECT {select_groups}COUNT(DISTINCT {quote('person')}) FROM ({sql}) AS netted{group_by}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    return {tuple(row[:-1]): row[-1] for row in rows}


def _backers_by_area(entries):
    """({township id: people}, {county id: people}, people in all): distinct people at each level.

    PostgreSQL counts the three levels in one pass over the netted backings (GROUPING SETS); other
    databases (SQLite of the embedded set-up) run the same count three times.
    """
    township, county = F("listing__project__township_id"), F("listing__project__township__county_id")
    if connection.vendor != "postgresql":
        return (
            {key[0]: count for key, count in _distinct_backers(entries, [township]).items()},
            {key[0]: count for key, count in _distinct_backers(entries, [county]).items()},
            _distinct_backers(entries, []).get((), 0),
        )
    sql, params = _netted(entries, [township, county])
    outer = (
        "SELECT g0, g1, GROUPING(g0), GROUPING(g1), COUNT(DISTINCT person) "  # noqa: S608
        f"FROM ({sql}) AS netted GROUP BY GROUPING SETS ((g0), (g1), ())"
    )
    by_township, by_county, total = {}, {}, 0
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        for g0, g1, township_rolled, county_rolled, count in cursor.fetchall():
            if not township_rolled:
                by_township[g0] = count
            elif not county_rolled:
                by_county[g1] = count
            else:
                total = count
    return by_township, by_county, total


# --- the figures -------------------------------------------------------------------------------------------


def _money_by(entries, key):
    """{key: (citizens' NT$, companies' NT$)} in one query."""
    rows = (
        entries.values(key)
        .annotate(citizens=Sum("amount_twd", filter=CITIZEN), companies=Sum("amount_twd", filter=~CITIZEN))
        .values_list(key, "citizens", "companies")
    )
    return {row[0]: (row[1] or 0, row[2] or 0) for row in rows}


def _people_measures(filters):
    """({township id: hours}, {township id: engagements}, {township id: places booked}, {township id: organisations})
    from experiences and people (four queries); see the module doc for what applies."""
    from experiences.impact import bookings_by_township_id, volunteer_hours_by_township_id
    from people.impact import engagements_done_by_township, organisations_by_township

    options = {"year": filters.year, "township_codes": filters.township_codes}
    return (
        volunteer_hours_by_township_id(**options),
        engagements_done_by_township(**options),
        bookings_by_township_id(**options),
        organisations_by_township(township_codes=filters.township_codes),
    )


def _sum_by(queryset, key, amount):
    return {row[0]: row[1] or 0 for row in queryset.values(key).annotate(total=amount).values_list(key, "total")}


def _committed_by(queryset, key):
    """{key: (NT$ committed, distinct companies)} in one query."""
    rows = (
        queryset.values(key)
        .annotate(total=Sum("committed_amount_twd"), companies=Count("company_id", distinct=True))
        .values_list(key, "total", "companies")
    )
    return {row[0]: (row[1] or 0, row[2]) for row in rows}


def _round(number, digits):
    return None if number is None else round(number, digits)


class _Context:
    """Accumulates the reference figures of several townships (population-weighted share, derived aging index)."""

    def __init__(self):
        self.population = 0
        self.weighted_population = 0
        self.elderly = 0.0
        self.children = 0.0
        self.complete = True

    def add(self, township):
        if township.population is None:
            self.complete = False
            return
        self.population += township.population
        if township.share_aged_65_plus is not None:
            elderly = township.population * float(township.share_aged_65_plus) / 100
            self.elderly += elderly
            self.weighted_population += township.population
            if township.aging_index:
                self.children += elderly * 100 / township.aging_index

    def apply(self, figures):
        figures.population = self.population or None
        figures.share_aged_65_plus = (
            _round(100 * self.elderly / self.weighted_population, 1) if self.weighted_population else None
        )
        figures.aging_index = round(100 * self.elderly / self.children) if self.children else None


def figures(filters=None, *, months=True):
    """ImpactData for the filters: every township (with or without activity), every county, Taiwan.

    A fixed number of queries (at most ``QUERY_BUDGET``), all aggregates.
    """
    filters = filters or ImpactFilters()
    townships = list(Township.objects.select_related("county").order_by("code"))
    if filters.township_codes:
        chosen = set(filters.township_codes)
        townships = [township for township in townships if township.code in chosen]
    counties = {county.code: county for county in County.objects.order_by("code")}

    entries = _ledger_entries(filters)
    money = _money_by(entries, "listing__project__township_id")
    committed = _committed_by(_commitments(filters), "project__township_id")
    projects = _sum_by(_public_projects(filters), "township_id", Count("translation_key", distinct=True))
    returned = _sum_by(_enterprises(filters), "township_id", Sum("members_returned_home"))
    backers_by_township, backers_by_county, backers_total = _backers_by_area(entries.filter(CITIZEN))
    batches_traced, devices_live = _traceability(filters)
    hours, engagements, bookings, organisations = _people_measures(filters)

    township_areas = []
    county_figures = defaultdict(Figures)
    county_context = defaultdict(_Context)
    county_townships = defaultdict(int)
    taiwan_figures = Figures(backers=backers_total)
    taiwan_context = _Context()
    county_ids = {}
    for township in townships:
        own = Figures(
            committed_twd=committed.get(township.id, (0, 0))[0],
            committed_companies=committed.get(township.id, (0, 0))[1],
            raised_twd=money.get(township.id, (0, 0))[0],
            corporate_twd=money.get(township.id, (0, 0))[1],
            backers=backers_by_township.get(township.id, 0),
            projects=projects.get(township.id, 0),
            returned_home=returned.get(township.id, 0),
            batches_traced=batches_traced.get(township.id, 0),
            devices_live=devices_live.get(township.id, 0),
            volunteer_hours=hours.get(township.id, 0),
            engagements_done=engagements.get(township.id, 0),
            bookings=bookings.get(township.id, 0),
            organisations=organisations.get(township.id, 0),
            population=township.population,
            share_aged_65_plus=None if township.share_aged_65_plus is None else float(township.share_aged_65_plus),
            aging_index=township.aging_index,
        )
        township_areas.append(
            Area(
                level="township",
                code=township.code,
                name_zh=township.name_zh,
                name_en=township.name_en,
                figures=own,
                county_code=township.county.code,
                is_priority_area=township.is_priority_area,
            )
        )
        county_code = township.county.code
        county_ids[county_code] = township.county_id
        county_townships[county_code] += 1
        for total in (county_figures[county_code], taiwan_figures):
            total.committed_twd += own.committed_twd
            total.raised_twd += own.raised_twd
            total.corporate_twd += own.corporate_twd
            total.volunteer_hours = round(total.volunteer_hours + own.volunteer_hours, 1)
            total.engagements_done += own.engagements_done
            total.bookings += own.bookings
            total.organisations += own.organisations
            total.projects += own.projects
            total.returned_home += own.returned_home
            total.batches_traced += own.batches_traced
            total.devices_live += own.devices_live
        county_context[county_code].add(township)
        taiwan_context.add(township)

    county_areas = []
    for code, county in counties.items():
        if code not in county_townships:
            continue
        own = county_figures[code]
        own.backers = backers_by_county.get(county.id, 0)
        county_context[code].apply(own)
        county_areas.append(
            Area(
                level="county",
                code=code,
                name_zh=county.name_zh,
                name_en=county.name_en,
                figures=own,
                township_count=county_townships[code],
            )
        )
    taiwan_context.apply(taiwan_figures)
    taiwan = Area(
        level="taiwan",
        code="",
        name_zh="臺灣",
        name_en="Taiwan",
        figures=taiwan_figures,
        township_count=len(township_areas),
    )
    data = ImpactData(filters=filters, taiwan=taiwan, counties=county_areas, townships=township_areas)
    if months:
        data.months = monthly(filters, entries=entries)
    return data


def monthly(filters, *, entries=None):
    """MonthRow per month with any activity (committed, raised from citizens, paid by companies, new backers'
    people, projects published)."""
    entries = _ledger_entries(filters) if entries is None else entries
    month = TruncMonth("occurred_at", tzinfo=timezone.get_current_timezone())
    rows = defaultdict(dict)
    for key, (citizens, companies) in _money_by(entries.annotate(month=month), "month").items():
        rows[_month(key)].update(raised_twd=citizens, corporate_twd=companies)
    for (key,), count in _distinct_backers(entries.filter(CITIZEN), [month]).items():
        rows[_month(key)]["backers"] = count
    commitments = _commitments(filters).annotate(
        month=TruncMonth("committed_at", tzinfo=timezone.get_current_timezone())
    )
    for key, (total, companies) in _committed_by(commitments, "month").items():
        rows[_month(key)].update(committed_twd=total, committed_companies=companies)
    published = _public_projects(filters).annotate(
        month=TruncMonth("first_published_at", tzinfo=timezone.get_current_timezone())
    )
    for key, total in _sum_by(published, "month", Count("translation_key", distinct=True)).items():
        rows[_month(key)]["projects"] = total
    return [MonthRow(month=key, **rows[key]) for key in sorted(key for key in rows if key is not None)]


def _public_committed(figures):
    """The committed figure a visitor may see: exact only where enough companies contribute (None: withheld)."""
    if figures.committed_companies == 0 or figures.committed_companies >= PUBLIC_MIN_COMPANIES:
        return figures.committed_twd
    return None


def public_view(data):
    """A copy of the figures for the public page and downloads: private commitments aggregated (module doc)."""
    data = copy.deepcopy(data)
    county_totals = defaultdict(int)
    for area in data.townships:
        area.figures.committed_twd = _public_committed(area.figures)
        county_totals[area.county_code] += area.figures.committed_twd or 0
    for area in data.counties:
        area.figures.committed_twd = county_totals[area.code]
    data.taiwan.figures.committed_twd = sum(county_totals.values())
    for row in data.months:
        row.committed_twd = _public_committed(row)
    return data


def _month(value):
    """The first day of the month as a date, from what the database returns for a truncated month.

    The ORM gives an aware datetime; a raw query gives a naive local one (PostgreSQL) or text (SQLite).
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)
