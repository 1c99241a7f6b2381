"""What the impact figures read from traceability (impact sits above this app and calls these named functions).

- "batches traced": public batches with at least one record (the rule of the "traceable" badge);
- "devices live": active devices that show at least one measure publicly and reported within LIVE_WITHIN (the
  rule of the "live data" badge).

Impact selects the projects (public pages, its filters) and groups the rows by township; `figures_version` is what
its cache key adds so the figures follow a publication, a first record, a device that comes alive or falls silent.
"""

from django.db import connection
from django.utils import timezone

from traceability.badges import LIVE_WITHIN
from traceability.models import Batch, Device


def traced_batches():
    """Batches that count as traced: public, with at least one record in their chain."""
    return Batch.objects.filter(is_public=True, entry_count__gt=0)


def live_devices(now=None):
    """Devices that count as live: not revoked, showing at least one measure publicly, heard from within
    LIVE_WITHIN."""
    now = now or timezone.now()
    return Device.objects.filter(revoked_at__isnull=True, last_seen_at__gte=now - LIVE_WITHIN).exclude(
        public_measures=[]
    )


def figures_version_sql(now=None):
    """([scalar subqueries], params) of the figures' version, for the impact page to read with the others in one
    query: (count, sum of ids) of the traced batches and of the live devices, two small tables (a batch per
    harvest, a device per pond). Any batch published, unpublished or given its first record, any device
    registered, revoked, made private, come alive or fallen silent changes it."""
    parts, params = [], []
    for queryset in (traced_batches(), live_devices(now)):
        sql, query_params = queryset.order_by().values("id").query.sql_with_params()
        parts += [f"(SELECT COUNT(*) FROM ({sql}) AS t)", f"(SELECT SUM(id) FROM ({sql}) AS t)"]  # noqa: S608
        params.extend([*query_params, *query_params])
    return parts, params


def figures_version(now=None):
    """The values of figures_version_sql, read on their own (one query)."""
    parts, params = figures_version_sql(now)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)  # noqa: S608 (SQL made by the ORM)
        return tuple(cursor.fetchone())
