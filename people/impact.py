"""What the impact figures and the township pages may read from people (impact and cms call these named functions).

- engagements completed: offers of help that reached "done", by the township of the help request; dated by the
  offer's last change (completing it, or the feedback left afterwards);
- organisations: township offices, county governments, universities, foundations and community associations based
  in a township (enterprise teams and companies have their own measures); a current count.
"""

from django.db import connection
from django.db.models import Count, F

from accounts.models import Organisation
from people.models import Offer

# The kinds of organisation the people issue added (the participants besides teams and companies).
PARTICIPANT_KINDS = (
    Organisation.Kind.TOWNSHIP_OFFICE,
    Organisation.Kind.COUNTY_GOVERNMENT,
    Organisation.Kind.UNIVERSITY,
    Organisation.Kind.FOUNDATION,
    Organisation.Kind.COMMUNITY,
)


def engagements_done_by_township(*, year=None, township_codes=None):
    """{township id: engagements completed} (one query)."""
    offers = Offer.objects.filter(status=Offer.Status.DONE)
    if year:
        offers = offers.filter(changed__year=year)
    if township_codes:
        offers = offers.filter(help_request__township__code__in=list(township_codes))
    rows = offers.order_by().values(township=F("help_request__township_id")).annotate(count=Count("pk"))
    return {row["township"]: row["count"] for row in rows}


def organisations_by_township(*, township_codes=None):
    """{township id: participating organisations based there} (one query)."""
    organisations = Organisation.objects.filter(kind__in=PARTICIPANT_KINDS, township__isnull=False)
    if township_codes:
        organisations = organisations.filter(township__code__in=list(township_codes))
    rows = organisations.order_by().values("township_id").annotate(count=Count("pk"))
    return {row["township_id"]: row["count"] for row in rows}


def figures_version_sql():
    """What changes when these figures may have: the newest change of an offer, the newest organisation and their
    count, as ([scalar subqueries], params) for the impact page to read with the others in one query."""
    offers, organisations = (connection.ops.quote_name(model._meta.db_table) for model in (Offer, Organisation))
    return [
        f"(SELECT MAX(changed) FROM {offers})",  # noqa: S608 (table names from the models)
        f"(SELECT MAX(id) FROM {organisations})",  # noqa: S608
        f"(SELECT COUNT(*) FROM {organisations})",  # noqa: S608
    ], []
