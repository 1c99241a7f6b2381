"""“Recommended for you”: public projects ranked for a company by a score a person can read.

Every point of a score comes with a sentence that says why (“Your founder comes from Neipu, Pingtung.”),
so a company sees the reasons, not a number it must trust. The weights live here and nowhere else:

WEIGHTS (points)
    tie_same_township     a tie (headquarters, plant, founder, employees) in the project's township
    tie_same_county       a tie elsewhere in the project's county
    tie_neighbour_county  a tie in a county that shares a border with the project's county
                          (places/data/county_neighbours.csv); only the strongest tie counts
    sector                the project's sector is one of the company's sectors of interest
    sdg                   per SDG shared by the project and the company's SDG focus, up to `sdg_max` SDGs
    ticket_fit            the project's investment ask (ProjectListing ask range) overlaps the company's ticket range;
                          a project without a listing or ask simply gets no ticket points and no reason
    priority_area         the project's township is a priority area for regional revitalization
    update                per update the team posted in the last `recent_days` days, up to `update_max` updates
    backer                per backer (people with money in the payments ledger for the project)
    fresh                 full points on the day a project is first published, falling evenly to 0 at `fresh_days`

The score is the sum; ties in score are broken by the most recently published project, then the title.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.languages import inline_list
from marketplace.providers import Factors, backers_by_project, search_candidates
from places.neighbours import are_neighbours

logger = logging.getLogger(__name__)

WEIGHTS = {
    "tie_same_township": 40,
    "tie_same_county": 20,
    "tie_neighbour_county": 8,
    "sector": 15,
    "sdg": 5,
    "sdg_max": 3,
    "ticket_fit": 10,
    "priority_area": 10,
    "update": 2,
    "update_max": 5,
    "recent_days": 90,
    "backer": 1,
    # Backers count up to this many: popularity breaks ties between fitting projects, it never outweighs a hometown
    # tie (a project with hundreds of backers and no link to the company ranked above the company's own township).
    "backer_max": 20,
    "fresh": 10,
    "fresh_days": 180,
}

# When two ties are equally strong, the one named first is given as the reason.
TIE_ORDER = ["founder", "headquarters", "plant", "employees"]


@dataclass
class Recommendation:
    project: object
    score: int = 0
    reasons: list = field(default_factory=list)
    points: list = field(default_factory=list)  # the points each reason adds, in the reasons' order

    @property
    def parts(self):
        """[(points, reason)]: the score's parts at a glance."""
        return list(zip(self.points, self.reasons, strict=True))


def _tie_phrase(tie, place):
    if tie.kind == "founder":
        return _("Your founder comes from %(place)s") % {"place": place}
    if tie.kind == "headquarters":
        return _("Your headquarters is in %(place)s") % {"place": place}
    if tie.kind == "plant":
        return _("You have a plant or branch in %(place)s") % {"place": place}
    return ngettext(
        "%(count)s of your employees comes from %(place)s",
        "%(count)s of your employees come from %(place)s",
        tie.employee_count,
    ) % {"count": tie.employee_count, "place": place}


def _tie_reason(tie, level):
    phrase = _tie_phrase(tie, tie.township.full_name)
    if level == "tie_same_township":
        return _("%(tie)s.") % {"tie": phrase}
    if level == "tie_same_county":
        return _("%(tie)s, in the same county.") % {"tie": phrase}
    return _("%(tie)s, in a neighbouring county.") % {"tie": phrase}


def _best_tie(ties, township_id, county_code):
    best = None
    for tie in ties:
        if tie.township_id == township_id:
            level = "tie_same_township"
        elif tie.township.county.code == county_code:
            level = "tie_same_county"
        elif are_neighbours(tie.township.county.code, county_code):
            level = "tie_neighbour_county"
        else:
            continue
        key = (WEIGHTS[level], -TIE_ORDER.index(tie.kind), tie.employee_count)
        if best is None or key > best[0]:
            best = (key, tie, level)
    return (best[1], best[2]) if best else (None, None)


def _ranges_overlap(low, high, other_low, other_high):
    low, high = low or 0, high or low or 0
    other_low, other_high = other_low or 0, other_high or float("inf")
    return high and low <= other_high and other_low <= high


def recommend_projects(company, limit=20, now=None):
    """The `limit` best public projects for `company`, each a Recommendation with its score and reasons.

    Two steps, for speed with many projects (bench/recommendations.py, bench/recommendations_es.py): the database
    scores every public project with the same WEIGHTS, backers included (`_candidate_ids`: one query, the backers
    counted by the payments ledger in another) and returns the best few — or Elasticsearch does, when it is the
    configured search engine and answers (`_search_candidate_ids`: the backers as indexed with the project,
    refreshed after each payment); only those are then scored here exactly, with their backers from the ledger
    and their reasons (`_score_rows`), and ranked. Every project left out by the first step has at least `limit`
    projects ahead of it there, so the ranking is the one of scoring every project in Python."""
    now = now or timezone.now()
    facts = _CompanyFacts(company, now)
    pages = _best_candidates(facts, limit + CANDIDATE_MARGIN)
    if not pages:
        return []
    rows = [_page_row(page) for page in pages.values()]
    scored = _score_rows(facts, rows, backers_by_project(list(pages)))
    scored.sort()
    # A project and its translations are one project: its best score counts, and the original page (not an
    # alias, the first made) stands for it, so an interest is always recorded against the same page whatever
    # language the company reads in (its card shows the version in the reader's language:
    # marketplace.views.recommendations).
    originals = {}
    for page in sorted(pages.values(), key=lambda page: (page.alias_of_id is not None, page.pk)):
        originals.setdefault(page.translation_key, page)
    seen, unique = set(), []
    for row in scored:
        key = pages[row[3]].translation_key
        if key not in seen:
            seen.add(key)
            unique.append(row)
    top = unique[:limit]
    return [
        Recommendation(
            project=originals[pages[pk].translation_key],
            score=-negative,
            reasons=[_reason_text(pages[pk], spec, facts.sdgs) for _v, spec in points],
            points=[value for value, _spec in points],
        )
        for negative, _published, _title, pk, points in top
    ]


@dataclass(frozen=True)
class DeclaredFacts:
    """What a company declared that ranks projects for it, as plain values (the kept ranking's key)."""

    ties: list  # (township id, kind, employee count), sorted
    sectors: list  # sector ids, sorted
    sdgs: list  # SDG ids, sorted
    ticket: tuple  # (min, max) NT$, each None when not given

    @property
    def undeclared(self):
        """What is missing: "ties" (no hometown tie), "interests" (no sector, SDG or ticket size). Without them the
        ranking follows only each project's backers, updates and age."""
        undeclared = set()
        if not self.ties:
            undeclared.add("ties")
        if not (self.sectors or self.sdgs or any(value is not None for value in self.ticket)):
            undeclared.add("interests")
        return undeclared


def declared_facts(company):
    return DeclaredFacts(
        ties=sorted(company.ties.values_list("township_id", "kind", "employee_count")),
        sectors=sorted(company.sectors_of_interest.values_list("pk", flat=True)),
        sdgs=sorted(company.sdg_focus.values_list("pk", flat=True)),
        ticket=(company.ticket_min_twd, company.ticket_max_twd),
    )


def kept_recommendations(company, limit=20, facts=None):
    """recommend_projects(company, limit), kept for the company's page (cms.page_cache.site_wide_value: per language,
    for PAGE_CACHE_SECONDS at most) while what the ranking reads stands: the company's facts (`facts`, read here
    when not given: ties, sectors, SDGs, ticket; an edit shows at once, as they are part of the key) and the search
    index (a project published, paid or updated is indexed again, which moves the search results' generation).
    Computed every time with the page cache off."""
    from cms.page_cache import SEARCH_RESULTS, site_wide_value

    facts = facts or declared_facts(company)
    key = repr((company.pk, limit, facts.ties, facts.sectors, facts.sdgs, *facts.ticket))
    return site_wide_value(
        f"recommendations:{key}", lambda: recommend_projects(company, limit), depends_on=[SEARCH_RESULTS]
    )


# Projects the database ranks beyond `limit` that are still scored exactly: a margin for a timestamp that Python
# (float seconds) and the database (microseconds) would order differently.
CANDIDATE_MARGIN = 10


class _CompanyFacts:
    """What a company's scores depend on, read once per call."""

    def __init__(self, company, now):
        from places.models import Township

        self.company = company
        self.now = now
        self.ties = list(company.ties.select_related("township__county"))
        self.sector_slugs = dict(company.sectors_of_interest.values_list("pk", "slug"))
        self.sector_ids = set(self.sector_slugs)
        self.sdgs = {sdg.pk: sdg for sdg in company.sdg_focus.all()}
        self.recent_since = (now - datetime.timedelta(days=WEIGHTS["recent_days"])).date()
        self.has_ticket = bool(company.ticket_min_twd or company.ticket_max_twd)
        # Tie and priority-area points depend only on the township: 368 townships, however many projects.
        self.best_ties = {}
        self.priority_townships = set()
        self.township_points = {}
        tie_townships = {tie.township_id for tie in self.ties}
        by_county = {}  # a township without a tie of its own has the best tie of any such township of its county
        self.township_codes = {}
        for township_id, code, county, priority in Township.objects.values_list(
            "pk", "code", "county__code", "is_priority_area"
        ):
            self.township_codes[township_id] = code
            if township_id in tie_townships:
                tie, level = _best_tie(self.ties, township_id, county)
            else:
                if county not in by_county:
                    by_county[county] = _best_tie(self.ties, township_id, county)
                tie, level = by_county[county]
            self.best_ties[township_id] = (tie, level)
            if priority:
                self.priority_townships.add(township_id)
            self.township_points[township_id] = (WEIGHTS[level] if tie else 0) + (
                WEIGHTS["priority_area"] if priority else 0
            )


def _fresh_points(age_days):
    return round(WEIGHTS["fresh"] * (1 - age_days / WEIGHTS["fresh_days"]))


def _fresh_buckets(now):
    """[(published after, points)]: the points fall by whole days of age, so each value is a range of times."""
    oldest_age = {}
    for age in range(WEIGHTS["fresh_days"]):
        if _fresh_points(age):
            oldest_age[_fresh_points(age)] = age
    return [(now - datetime.timedelta(days=age + 1), value) for value, age in sorted(oldest_age.items(), reverse=True)]


def _best_candidate_ids(facts, count):
    """The candidates' ids, best first: from Elasticsearch when it is the search engine and answers, else from the
    database."""
    return list(_best_candidates(facts, count))


def _best_candidates(facts, count):
    """{id: public ProjectPage (township, county, sector and listing joined)} of the candidates, best first."""
    try:
        ids = _search_candidate_ids(facts, count)
    except Exception as error:  # any transport or API error means "ask the database", never "fail"
        logger.warning("recommendation candidates from the database: Elasticsearch failed (%r)", error)
    else:
        if ids is not None:
            pages = _public_pages(ids)
            if len(pages) == len(set(ids)):
                return pages
            # A document for a page that is no longer public means the index is behind (updates still queued):
            # its ranking could push real projects out, so the database decides this time.
            logger.warning("recommendation candidates from the database: the projects index is behind")
    return _public_pages(_candidate_ids(facts, count))


def _public_pages(ids):
    """{id: page} for the ids of public projects, in the order of `ids`; one query (with the view restrictions').
    The story (body) is not read: a recommendation shows the title, place and reasons."""
    from cms.public import public_projects

    if not ids:
        return {}
    pages = public_projects().select_related("listing").defer("body").in_bulk(ids)
    return {pk: pages[pk] for pk in ids if pk in pages}


def _page_row(page):
    """The row `_score_rows` reads, from a page of `_public_pages` (as `_project_rows` reads it from the database)."""
    try:
        listing = page.listing
    except ObjectDoesNotExist:
        listing = None
    return (
        page.pk,
        page.title,
        page.township_id,
        page.sector_id,
        page.first_published_at,
        listing.seeks_investment if listing else None,
        listing.ask_min_twd if listing else None,
        listing.ask_max_twd if listing else None,
    )


def _search_candidate_ids(facts, count):
    """The same candidates as `_candidate_ids`, scored by the search index (search/recommend.py, through
    marketplace.providers.search_candidates) with the same WEIGHTS; None when no index answers."""
    return search_candidates(_search_factors(facts), count)


def _search_factors(facts):
    """The company's points per factor, in the search index's terms (township codes, sector slugs, SDG numbers)."""
    company = facts.company
    return Factors(
        township_points={
            facts.township_codes[township_id]: value for township_id, value in facts.township_points.items() if value
        },
        sector_slugs=sorted(facts.sector_slugs.values()),
        sector_points=WEIGHTS["sector"],
        sdg_numbers=sorted(sdg.number for sdg in facts.sdgs.values()),
        sdg_points=WEIGHTS["sdg"],
        sdg_max=WEIGHTS["sdg_max"],
        ticket=(company.ticket_min_twd, company.ticket_max_twd) if facts.has_ticket else None,
        ticket_points=WEIGHTS["ticket_fit"],
        updates_since=facts.recent_since,
        update_points=WEIGHTS["update"],
        update_max=WEIGHTS["update_max"],
        fresh=_fresh_buckets(facts.now),
        backer_points=WEIGHTS["backer"],
        backer_max=WEIGHTS["backer_max"],
    )


def _candidate_ids(facts, count):
    """The ids of the `count` public projects with the best scores, computed by the database (the same points as
    `_score_rows`, as SQL expressions; the backers' points from the ledger's counts, one `pk IN (…)` per count),
    best first, ties broken as `_score_rows` breaks them."""
    from django.db import connection
    from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
    from django.db.models.functions import Coalesce, Collate, Least

    from cms.models import ProjectPage, ProjectUpdate
    from cms.public import public_projects

    def points(condition, value):
        return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

    def count_of(queryset, key):
        counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted), Value(0))

    terms = []
    by_points = defaultdict(list)
    for township_id, value in facts.township_points.items():
        if value:
            by_points[value].append(township_id)
    if by_points:
        terms.append(
            Case(
                *[When(township_id__in=ids, then=Value(value)) for value, ids in sorted(by_points.items())],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if facts.sector_ids:
        terms.append(points(Q(sector_id__in=facts.sector_ids), WEIGHTS["sector"]))
    if facts.sdgs:
        through = ProjectPage.sdgs.through
        shared = count_of(
            through.objects.filter(projectpage_id=OuterRef("pk"), sustainabledevelopmentgoal_id__in=facts.sdgs),
            "projectpage_id",
        )
        terms.append(Least(shared, Value(WEIGHTS["sdg_max"])) * Value(WEIGHTS["sdg"]))
    if facts.has_ticket:
        company = facts.company
        low = Coalesce(F("listing__ask_min_twd"), Value(0))
        high = Coalesce(F("listing__ask_max_twd"), F("listing__ask_min_twd"), Value(0))
        fits = Q(listing__seeks_investment=True, ask_high__gt=0, ask_high__gte=company.ticket_min_twd or 0)
        if company.ticket_max_twd:
            fits &= Q(ask_low__lte=company.ticket_max_twd)
        ticket = points(fits, WEIGHTS["ticket_fit"])
    updates = count_of(
        ProjectUpdate.objects.filter(project_id=OuterRef("pk"), date__gte=facts.recent_since), "project_id"
    )
    terms.append(Least(updates, Value(WEIGHTS["update_max"])) * Value(WEIGHTS["update"]))
    # Freshness: the points fall by whole days of age, so each value is a range of publication times.
    terms.append(
        Case(
            *[When(first_published_at__gt=after, then=Value(value)) for after, value in _fresh_buckets(facts.now)],
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    by_backers = defaultdict(list)
    for project_id, backers in backers_by_project().items():
        if backers:
            by_backers[WEIGHTS["backer"] * min(backers, WEIGHTS["backer_max"])].append(project_id)
    if by_backers:
        terms.append(
            Case(
                *[When(pk__in=sorted(ids), then=Value(value)) for value, ids in sorted(by_backers.items())],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    projects = public_projects().select_related(None)
    if facts.has_ticket:
        projects = projects.annotate(ask_low=low, ask_high=high).annotate(ticket=ticket)
        terms.append(F("ticket"))
    score = terms[0]
    for term in terms[1:]:
        score = score + term
    binary = "C" if connection.vendor == "postgresql" else "BINARY"  # Python's order of titles (code points)
    ranked = (
        # No "score > 0" filter: the database would compute the score twice; the exact step drops zero scores.
        projects.annotate(score=score, sort_title=Collate("title", binary))
        .order_by("-score", F("first_published_at").desc(nulls_last=True), "sort_title", "pk")
        .values_list("pk", flat=True)
    )
    return list(ranked[:count])


def _project_rows(ids):
    from cms.public import public_projects

    return list(
        public_projects()
        .filter(pk__in=sorted(ids))
        .values_list(
            "pk",
            "title",
            "township_id",
            "sector_id",
            "first_published_at",
            "listing__seeks_investment",
            "listing__ask_min_twd",
            "listing__ask_max_twd",
        )
    )


def _score_rows(facts, rows, backers):
    """[(-score, -published timestamp, title, pk, [(points, reason spec)])] for the rows with a score."""
    from cms.models import ProjectPage, ProjectUpdate

    ids = [row[0] for row in rows]
    # Counted apart from the projects: one GROUP BY over updates is far cheaper than one over the page join.
    recent_updates = dict(
        ProjectUpdate.objects.filter(project_id__in=ids, date__gte=facts.recent_since)
        .values_list("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
    )
    project_sdgs = defaultdict(set)
    if facts.sdgs:
        through = ProjectPage.sdgs.through
        for project_id, sdg_id in through.objects.filter(
            projectpage_id__in=ids, sustainabledevelopmentgoal_id__in=facts.sdgs
        ).values_list("projectpage_id", "sustainabledevelopmentgoal_id"):
            project_sdgs[project_id].add(sdg_id)
    company = facts.company
    now_at = facts.now.timestamp()
    fresh_since = now_at - WEIGHTS["fresh_days"] * 86400

    scored = []
    for pk, title, township_id, sector_id, published, seeks_investment, ask_min, ask_max in rows:
        points = []  # (points, reason spec) — reasons are written only for the projects shown
        tie, level = facts.best_ties.get(township_id, (None, None))
        if tie is not None:
            points.append((WEIGHTS[level], ("tie", tie, level)))
        if sector_id in facts.sector_ids:
            points.append((WEIGHTS["sector"], ("sector",)))
        shared = project_sdgs.get(pk)
        if shared:
            shared = sorted(shared, key=lambda sdg_pk: facts.sdgs[sdg_pk].number)[: WEIGHTS["sdg_max"]]
            points.append((WEIGHTS["sdg"] * len(shared), ("sdgs", shared)))
        if (
            seeks_investment
            and facts.has_ticket
            and _ranges_overlap(ask_min, ask_max, company.ticket_min_twd, company.ticket_max_twd)
        ):
            points.append((WEIGHTS["ticket_fit"], ("ticket",)))
        if township_id in facts.priority_townships:
            points.append((WEIGHTS["priority_area"], ("priority",)))
        update_count = recent_updates.get(pk, 0)
        if update_count:
            points.append((WEIGHTS["update"] * min(update_count, WEIGHTS["update_max"]), ("updates", update_count)))
        backer_count = backers.get(pk, 0)
        if backer_count:
            points.append((WEIGHTS["backer"] * min(backer_count, WEIGHTS["backer_max"]), ("backers", backer_count)))
        published_at = published.timestamp() if published is not None else 0
        if published_at > fresh_since:
            age = (now_at - published_at) // 86400 if now_at > published_at else 0
            fresh = _fresh_points(age)
            if fresh:
                points.append((fresh, ("fresh", published)))
        total = 0
        for value, _spec in points:
            total += value
        if total:
            scored.append((-total, -published_at, title, pk, points))
    return scored


def _reason_text(project, spec, sdgs):
    kind = spec[0]
    if kind == "tie":
        return _tie_reason(spec[1], spec[2])
    if kind == "sector":
        return _("It works in %(sector)s, a sector you are interested in.") % {"sector": project.sector.name}
    if kind == "sdgs":
        names = inline_list(f"SDG {sdgs[pk].number} {sdgs[pk].name}" for pk in spec[1])
        return _("It works toward goals you focus on: %(sdgs)s.") % {"sdgs": names}
    if kind == "ticket":
        listing = project.listing
        return _("It seeks NT$%(low)s to NT$%(high)s, which fits your ticket size.") % {
            "low": f"{listing.ask_min_twd or 0:,}",
            "high": f"{listing.ask_max_twd or listing.ask_min_twd or 0:,}",
        }
    if kind == "priority":
        return _("%(township)s is a priority area for regional revitalization.") % {
            "township": project.township.full_name
        }
    if kind == "updates":
        return ngettext(
            "The team posted %(count)s update in the last %(days)s days.",
            "The team posted %(count)s updates in the last %(days)s days.",
            spec[1],
        ) % {"count": spec[1], "days": WEIGHTS["recent_days"]}
    if kind == "backers":
        return ngettext("%(count)s person backs it.", "%(count)s people back it.", spec[1]) % {"count": spec[1]}
    return _("First published on %(date)s.") % {"date": date_format(timezone.localtime(spec[1]), "DATE_FORMAT")}


@dataclass
class CompanyMatch:
    company: object
    score: int = 0
    reasons: list = field(default_factory=list)


def recommend_companies(enterprise):
    """Discoverable companies that fit an enterprise (EnterpriseProfile), best first, each with its reasons.

    The same WEIGHTS: the company's strongest hometown tie to the enterprise's township, the sectors and SDGs
    they share. Companies that did not choose to be discoverable are never listed.
    """
    from marketplace.models import CompanyProfile

    township = enterprise.township
    county_code = township.county.code
    sector_ids = set(enterprise.sectors.values_list("pk", flat=True))
    sdg_ids = set(enterprise.sdgs.values_list("pk", flat=True))
    companies = CompanyProfile.objects.filter(discoverable=True).select_related("organisation")
    companies = companies.prefetch_related("ties__township__county", "sectors_of_interest", "sdg_focus")
    matches = []
    for company in companies:
        score, reasons = 0, []
        tie, level = _best_tie(list(company.ties.all()), township.pk, county_code)
        if tie is not None:
            score += WEIGHTS[level]
            values = {"kind": tie.get_kind_display(), "place": tie.township.full_name}
            if level == "tie_same_township":
                reasons.append(_("A tie to your township: %(kind)s, %(place)s.") % values)
            elif level == "tie_same_county":
                reasons.append(_("A tie in your county: %(kind)s, %(place)s.") % values)
            else:
                reasons.append(_("A tie in a neighbouring county: %(kind)s, %(place)s.") % values)
        sectors = [sector for sector in company.sectors_of_interest.all() if sector.pk in sector_ids]
        if sectors:
            score += WEIGHTS["sector"]
            names = inline_list(sector.name for sector in sectors)
            reasons.append(_("Interested in your sectors: %(sectors)s.") % {"sectors": names})
        sdgs = sorted((sdg for sdg in company.sdg_focus.all() if sdg.pk in sdg_ids), key=lambda sdg: sdg.number)
        sdgs = sdgs[: WEIGHTS["sdg_max"]]
        if sdgs:
            score += WEIGHTS["sdg"] * len(sdgs)
            names = inline_list(f"SDG {sdg.number} {sdg.name}" for sdg in sdgs)
            reasons.append(_("Focuses on the goals you work toward: %(sdgs)s.") % {"sdgs": names})
        if score:
            matches.append(CompanyMatch(company=company, score=score, reasons=reasons))
    matches.sort(key=lambda match: (-match.score, match.company.organisation.name))
    return matches
