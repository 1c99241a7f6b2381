"""BENCH BASELINE: recommend_projects as it was before the database scored the candidates (every public
project read and scored in Python). bench/recommendations.py times it next to the current one, in the same
process on the same data, and checks that both give the same projects, scores and reasons."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from marketplace.matching import (
    WEIGHTS,
    Recommendation,
    _best_tie,
    _ranges_overlap,
    _reason_text,
)
from payments.ledger import backers_by_project


def previous_recommend_projects(company, limit=20, now=None):
    """The `limit` best public projects for `company`, each a Recommendation with its score and reasons."""
    from cms.models import ProjectPage, ProjectUpdate
    from cms.public import public_projects

    now = now or timezone.now()
    ties = list(company.ties.select_related("township__county"))
    sector_ids = set(company.sectors_of_interest.values_list("pk", flat=True))
    sdgs = {sdg.pk: sdg for sdg in company.sdg_focus.all()}
    recent_since = (now - datetime.timedelta(days=WEIGHTS["recent_days"])).date()

    rows = public_projects().values_list(
        "pk",
        "title",
        "township_id",
        "township__county__code",
        "township__is_priority_area",
        "sector_id",
        "first_published_at",
        "listing__seeks_investment",
        "listing__ask_min_twd",
        "listing__ask_max_twd",
    )
    # Counted apart from the projects: one GROUP BY over updates is far cheaper than one over the page join.
    recent_updates = dict(
        ProjectUpdate.objects.filter(date__gte=recent_since)
        .values_list("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
    )
    project_sdgs = defaultdict(set)
    if sdgs:
        through = ProjectPage.sdgs.through
        for project_id, sdg_id in through.objects.filter(sustainabledevelopmentgoal_id__in=sdgs).values_list(
            "projectpage_id", "sustainabledevelopmentgoal_id"
        ):
            project_sdgs[project_id].add(sdg_id)
    rows = list(rows)
    backers = backers_by_project([row[0] for row in rows])
    has_ticket = bool(company.ticket_min_twd or company.ticket_max_twd)
    now_at = now.timestamp()
    fresh_since = now_at - WEIGHTS["fresh_days"] * 86400
    best_ties = {}  # township id → (tie, level): 368 townships at most, however many projects

    scored = []
    for (
        pk,
        title,
        township_id,
        county_code,
        priority,
        sector_id,
        published,
        seeks_investment,
        ask_min,
        ask_max,
    ) in rows:
        points = []  # (points, reason spec) — reasons are written only for the projects shown
        if township_id not in best_ties:
            best_ties[township_id] = _best_tie(ties, township_id, county_code)
        tie, level = best_ties[township_id]
        if tie is not None:
            points.append((WEIGHTS[level], ("tie", tie, level)))
        if sector_id in sector_ids:
            points.append((WEIGHTS["sector"], ("sector",)))
        shared = project_sdgs.get(pk)
        if shared:
            shared = sorted(shared, key=lambda sdg_pk: sdgs[sdg_pk].number)[: WEIGHTS["sdg_max"]]
            points.append((WEIGHTS["sdg"] * len(shared), ("sdgs", shared)))
        if (
            seeks_investment
            and has_ticket
            and _ranges_overlap(ask_min, ask_max, company.ticket_min_twd, company.ticket_max_twd)
        ):
            points.append((WEIGHTS["ticket_fit"], ("ticket",)))
        if priority:
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
            fresh = round(WEIGHTS["fresh"] * (1 - age / WEIGHTS["fresh_days"]))
            if fresh:
                points.append((fresh, ("fresh", published)))
        total = 0
        for value, _spec in points:
            total += value
        if total:
            scored.append((-total, -published_at, title, pk, points))

    scored.sort()
    top = scored[:limit]
    pages = ProjectPage.objects.select_related("township__county", "sector", "listing").in_bulk(
        [entry[3] for entry in top]
    )
    return [
        Recommendation(
            project=pages[pk], score=-negative, reasons=[_reason_text(pages[pk], spec, sdgs) for _v, spec in points]
        )
        for negative, _published, _title, pk, points in top
    ]


def backed_in_python_recommend_projects(company, limit=20, now=None):
    """BENCH BASELINE: recommend_projects as it was before the candidate step counted backers: the best
    `limit + CANDIDATE_MARGIN` candidates and EVERY project with money in the ledger scored exactly in Python
    (2,500 projects at 100,000 in bench/recommendations_es.py). Its candidates come from today's candidate step
    (which ranks with backers too), so it gives the same answer at the cost the previous version had."""
    from cms.models import ProjectPage
    from marketplace.matching import CANDIDATE_MARGIN, _best_candidate_ids, _CompanyFacts, _project_rows, _score_rows
    from payments.ledger import totals_by_project
    from payments.models import LedgerEntry

    now = now or timezone.now()
    facts = _CompanyFacts(company, now)
    backed = set(LedgerEntry.objects.order_by().values_list("listing__project_id", flat=True).distinct()) - {None}
    candidates = set(_best_candidate_ids(facts, limit + CANDIDATE_MARGIN)) | backed
    if not candidates:
        return []
    # As it was: both ledger aggregates (money raised too) for every backed project.
    backers = {pk: totals.backers for pk, totals in totals_by_project(sorted(backed)).items()} if backed else {}
    scored = _score_rows(facts, _project_rows(candidates), backers)
    scored.sort()
    top = scored[:limit]
    pages = ProjectPage.objects.select_related("township__county", "sector", "listing").in_bulk(
        [entry[3] for entry in top]
    )
    return [
        Recommendation(
            project=pages[pk],
            score=-negative,
            reasons=[_reason_text(pages[pk], spec, facts.sdgs) for _v, spec in points],
        )
        for negative, _published, _title, pk, points in top
    ]
