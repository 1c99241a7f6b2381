"""A company's impact report: what it committed to, computed from the interest records (ESG evidence).

This page counts commitments both sides confirmed (marketplace.queries.confirmed_commitments); the year's evidence
report with corporate payments, traced batches and its CSV/PDF exports is impact.corporate (impact sits above
payments and traceability, which this app may not read).
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from marketplace.models import Interest
from marketplace.queries import COMMITTED_STAGES, confirmed_commitments

__all__ = ["COMMITTED_STAGES", "ImpactLine", "ImpactReport", "impact_report"]


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


def impact_report(company, *, year=None):
    """Each confirmed commitment with the updates its project posted since it was confirmed, and the totals."""
    from cms.models import ProjectUpdate, SustainableDevelopmentGoal

    interests = list(
        confirmed_commitments(company=company, year=year)
        .select_related("project__township__county", "project__sector")
        .order_by("project__title")
    )
    committed_on = {interest.pk: interest.commitment_confirmed_at.date() for interest in interests}
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
