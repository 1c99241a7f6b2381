"""Reading plans: the public list, one plan's funding planned against actual, and the staff dashboard's figures."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import name_in_active_language
from marketplace.models import Interest
from payments.ledger import totals_by_project
from places.models import County, Township
from plans.models import GUIDANCE_STAGES, FundingLine, FundingSource, Plan, PlanEvent, RevisionRequest, Stage

# Interests whose money is promised: the private investment a plan has actually gathered on Homeward.
COMMITTED_STAGES = (Interest.Stage.COMMITTED, Interest.Stage.CLOSED)
# Sources whose actual amount Homeward knows from its own records.
MEASURED_SOURCES = (FundingSource.CITIZEN_BACKING, FundingSource.PRIVATE_INVESTMENT)


def public_plans(*, stage=None, county=None):
    plans = Plan.objects.public().with_places()
    if stage:
        plans = plans.filter(stage=stage)
    if county:
        plans = plans.filter(township__county__code=county)
    return plans


# Who takes the plan's next step, by stage. In national guidance it is the office while revision requests are open
# (it answers them and sends the plan back), otherwise the national review (a meeting or matching the resources).
OFFICE, COUNTY, NATIONAL = "office", "county", "national"
NEXT_ACTOR_BY_STAGE = {
    Stage.DRAFT: OFFICE,
    Stage.COUNTY_REVIEW: COUNTY,
    Stage.RETURNED: OFFICE,
    Stage.NATIONAL_REVIEW: NATIONAL,
    Stage.REVISED: NATIONAL,
    Stage.MATCHED: OFFICE,
    Stage.IN_PROGRESS: OFFICE,
    Stage.REPORTING: OFFICE,
}
NEXT_ACTOR_LABELS = {
    OFFICE: _("Township office"),
    COUNTY: _("County or city government"),
    NATIONAL: _("National review"),
}


def offices_awaiting_verification(user):
    """The township offices the person belongs to that staff have not verified (yet, or any more): they write no
    plan until then (plans.actions.offices_of lists the verified ones)."""
    from accounts.models import Organisation

    return Organisation.objects.filter(
        kind=Organisation.Kind.TOWNSHIP_OFFICE, memberships__user=user, verified_at__isnull=True
    ).order_by("name")


def _unanswered_revision_requests():
    return RevisionRequest.objects.filter(resolved_at__isnull=True)


def open_revisions():
    """An Exists() that is true for a plan with revision requests its office has not answered yet."""
    return Exists(_unanswered_revision_requests().filter(meeting__plan=OuterRef("pk")))


def has_open_revisions(plan):
    """True while the plan has revision requests its office has not answered yet."""
    return _unanswered_revision_requests().filter(meeting__plan=plan).exists()


def next_actor(plan):
    """The label of who takes the plan's next step; reads `plan.has_open_revisions` when annotated (staff_plans)."""
    actor = NEXT_ACTOR_BY_STAGE[plan.stage]
    if plan.stage == Stage.NATIONAL_REVIEW:
        has_open = getattr(plan, "has_open_revisions", None)
        if has_open is None:
            has_open = has_open_revisions(plan)
        if has_open:
            actor = OFFICE
    return NEXT_ACTOR_LABELS[actor]


def staff_plans(*, stage=None, county=None):
    """Every plan, drafts too, for the staff dashboard's list: the last changed (its latest timeline step) first."""
    last_event = PlanEvent.objects.filter(plan=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]
    plans = (
        Plan.objects.with_places()
        .annotate(has_open_revisions=open_revisions(), last_change=Coalesce(Subquery(last_event), "updated"))
        .order_by("-last_change", "-pk")
    )
    if stage:
        plans = plans.filter(stage=stage)
    if county:
        plans = plans.filter(township__county__code=county)
    return plans


@dataclass
class SourceRow:
    source: str
    label: str
    planned_twd: int = 0
    confirmed_twd: int | None = None
    actual_twd: int | None = None
    names: list = field(default_factory=list)


def actual_by_source(project_ids):
    """{source: NT$} measured on Homeward for the given projects: the ledger's raised and the committed interests."""
    project_ids = list(project_ids)
    if not project_ids:
        return dict.fromkeys(MEASURED_SOURCES, 0)
    raised = sum(totals.raised_twd for totals in totals_by_project(project_ids).values())
    committed = (
        Interest.objects.filter(project_id__in=project_ids, stage__in=COMMITTED_STAGES).aggregate(
            total=Sum("committed_amount_twd")
        )["total"]
        or 0
    )
    return {FundingSource.CITIZEN_BACKING: raised, FundingSource.PRIVATE_INVESTMENT: committed}


def funding_rows(plan):
    """One row per source in the plan's table: planned, confirmed at matching, and actual where Homeward measures it."""
    rows = {}
    for line in plan.funding.select_related("programme__ministry", "company"):
        row = rows.setdefault(line.source, SourceRow(line.source, line.get_source_display()))
        row.planned_twd += line.planned_twd
        if line.confirmed_twd is not None:
            row.confirmed_twd = (row.confirmed_twd or 0) + line.confirmed_twd
        name = line.programme or line.company
        if name is not None:
            row.names.append(name_in_active_language(name) if line.programme else name.name)
    actual = actual_by_source(plan.projects.values_list("pk", flat=True))
    for source, amount in actual.items():
        # A source the plan did not count on is shown only when Homeward measured money from it.
        if source in rows or amount:
            rows.setdefault(source, SourceRow(source, FundingSource(source).label)).actual_twd = amount
    return [rows[source] for source in FundingSource.values if source in rows]


def programmes_for_plan(plan, *, limit=8, today=None):
    """The catalogue's programmes that may fit the plan, best first, with reasons and what is missing: the office's
    kind, the plan's township and its target industries, ranked by cms.programmes.rank_programmes (no project
    stage: a plan holds several projects)."""
    from cms.programmes import rank_programmes

    return rank_programmes(
        organisation_kind=plan.office.kind,
        township=plan.township,
        sectors=list(plan.sectors.all()),
        today=today,
        limit=limit,
    )


# --- the staff dashboard -----------------------------------------------------------------------------------------

GROUPS = (
    (_("Ministry and local government programmes"), (FundingSource.MINISTRY_PROGRAMME, FundingSource.LOCAL_GOVERNMENT)),
    (_("National Development Fund and guarantees"), (FundingSource.DEVELOPMENT_FUND, FundingSource.CREDIT_GUARANTEE)),
    (_("Private investment and citizen backing"), (FundingSource.PRIVATE_INVESTMENT, FundingSource.CITIZEN_BACKING)),
)


@dataclass(frozen=True)
class Waiting:
    plan: Plan
    days: int


def dashboard(now=None):
    now = now or timezone.now()
    by_stage = dict(Plan.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    stages = [(label, by_stage.get(value, 0)) for value, label in Stage.choices]
    county_rows = (
        Plan.objects.values("township__county__code", "township__county__name_zh", "stage")
        .annotate(n=Count("pk"))
        .order_by("township__county__code")
    )
    counties = {}
    for row in county_rows:
        entry = counties.setdefault(
            row["township__county__code"], {"code": row["township__county__code"], "total": 0, "stages": {}}
        )
        entry["stages"][row["stage"]] = row["n"]
        entry["total"] += row["n"]
    names = {county.code: county.name for county in County.objects.filter(code__in=counties)}
    county_table = [
        {
            "name": names.get(code, code),
            "total": entry["total"],
            "cells": [entry["stages"].get(value, 0) for value in Stage.values],
        }
        for code, entry in sorted(counties.items())
    ]
    sums = {
        row["source"]: row
        for row in FundingLine.objects.values("source")
        .annotate(planned=Sum("planned_twd"), confirmed=Sum("confirmed_twd", filter=Q(confirmed_twd__isnull=False)))
        .order_by()
    }
    matched_total = sum((row["confirmed"] or 0) for row in sums.values())
    funding = []
    for value, label in FundingSource.choices:
        row = sums.get(value, {})
        confirmed = row.get("confirmed") or 0
        funding.append(
            {
                "label": label,
                "planned": row.get("planned") or 0,
                "confirmed": confirmed,
                "share": round(100 * confirmed / matched_total, 1) if matched_total else 0,
            }
        )
    # The seed's three families of matched resources: public programmes, the fund's investment and guarantees,
    # private money (companies and citizens).
    groups = []
    for label, sources in GROUPS:
        confirmed = sum((sums.get(source, {}).get("confirmed") or 0) for source in sources)
        share = round(100 * confirmed / matched_total, 1) if matched_total else 0
        groups.append({"label": label, "confirmed": confirmed, "share": share})
    waiting = [
        Waiting(plan, (now - plan.stage_changed_at).days)
        for plan in Plan.objects.filter(stage__in=GUIDANCE_STAGES).with_places().order_by("stage_changed_at")
    ]
    townships_with_plan = Township.objects.filter(plans__isnull=False).distinct()
    with_count = townships_with_plan.count()
    return {
        "stages": stages,
        "stage_labels": [label for _value, label in Stage.choices],
        "counties": county_table,
        "funding": funding,
        "groups": groups,
        "matched_total": matched_total,
        "waiting": waiting,
        "townships_with_plan": townships_with_plan.select_related("county").order_by("code"),
        "with_plan": with_count,
        "without_plan": Township.objects.count() - with_count,
        "priority_without_plan": Township.objects.filter(is_priority_area=True, plans__isnull=True).count(),
        "total_plans": sum(by_stage.values()),
    }
