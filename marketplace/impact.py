"""A company's impact report: what it committed to, computed from the interest records (ESG evidence).

Backing totals from payments come later; this report counts committed investments only.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from marketplace.models import Interest

COMMITTED_STAGES = (Interest.Stage.COMMITTED, Interest.Stage.CLOSED)


MAP_MAX_TOWNSHIPS = 50  # impact.forms.MAX_TOWNSHIPS (impact reads marketplace, not the reverse)


@dataclass
class ImpactLine:
    interest: Interest
    updates_received: int


@dataclass
class ImpactReport:
    lines: list
    total_committed_twd: int
    townships: list
    priority_townships: int
    sdgs: list
    updates_received: int

    @property
    def map_query(self):
        """The impact map's query string for the townships of what the company committed to (``town=`` codes)."""
        from django.utils.http import urlencode

        if len(self.townships) > MAP_MAX_TOWNSHIPS:  # more than the map takes: the whole map
            return ""
        return urlencode([("town", township.code) for township in self.townships])


def impact_report(company):
    """Each committed investment with the updates its project posted since the company committed, and the totals."""
    from cms.models import ProjectUpdate, SustainableDevelopmentGoal

    interests = list(
        Interest.objects.filter(company=company, stage__in=COMMITTED_STAGES)
        .select_related("project__township__county", "project__sector")
        .order_by("project__title")
    )
    committed_on = {}
    for interest in interests:
        event = interest.events.filter(to_stage=Interest.Stage.COMMITTED).order_by("at").first()
        committed_on[interest.pk] = (event.at if event else interest.created).date()
    lines = [
        ImpactLine(
            interest,
            ProjectUpdate.objects.filter(project_id=interest.project_id, date__gte=committed_on[interest.pk]).count(),
        )
        for interest in interests
    ]
    townships = sorted({interest.project.township for interest in interests}, key=lambda township: township.code)
    project_ids = [interest.project_id for interest in interests]
    sdgs = list(
        SustainableDevelopmentGoal.objects.annotate(
            projects=Count("projectpage", filter=Q(projectpage__in=project_ids), distinct=True)
        )
        .filter(projects__gt=0)
        .order_by("number")
    )
    return ImpactReport(
        lines=lines,
        total_committed_twd=sum(interest.committed_amount_twd or 0 for interest in interests),
        townships=townships,
        priority_townships=sum(1 for township in townships if township.is_priority_area),
        sdgs=sdgs,
        updates_received=sum(line.updates_received for line in lines),
    )
