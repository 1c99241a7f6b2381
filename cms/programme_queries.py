"""Queries of the programme catalogue."""

from django.db.models import F, Q
from django.utils import timezone

from cms.models import SupportProgramme


def catalogue_programmes(*, q="", ministry=None, kind="", sector=None, applicant="", open_now=False, today=None):
    """The catalogue, filtered: text in the names, summaries and notes; a ministry; a kind; a sector (programmes
    open to any sector count); who may apply (programmes open to anyone count); open on `today`."""
    today = today or timezone.localdate()
    programmes = SupportProgramme.objects.select_related("ministry").prefetch_related("sectors")
    if q:
        text = Q()
        for field in ("name", "name_en", "name_ja", "summary_zh", "summary_en", "summary_ja", "eligibility"):
            text |= Q(**{f"{field}__icontains": q})
        text |= (
            Q(ministry__name_zh__icontains=q) | Q(ministry__name_en__icontains=q) | Q(ministry__name_ja__icontains=q)
        )
        programmes = programmes.filter(text)
    if ministry:
        programmes = programmes.filter(ministry=ministry)
    if kind:
        programmes = programmes.filter(kind=kind)
    if sector:
        programmes = programmes.filter(Q(sectors=sector) | Q(sectors__isnull=True)).distinct()
    if open_now:
        programmes = programmes.open_on(today)
    if applicant:
        # The rule is a JSON list; the catalogue is small (tens of programmes), so it is read in Python,
        # the same way on SQLite and PostgreSQL.
        rules = programmes.select_related(None).prefetch_related(None).values_list("pk", "applicant_kinds")
        ids = [pk for pk, kinds in rules if not kinds or applicant in kinds]
        programmes = programmes.filter(pk__in=ids)
    return programmes.order_by(F("closes_on").asc(nulls_last=True), "ministry__name_zh", "name")
