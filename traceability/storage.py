"""Where readings live: the monthly partitions, the hourly and daily aggregates, and retention.

PostgreSQL (tests, production): `traceability_reading` is partitioned by month on `taken_at` (migration 0001),
one partition per month named `traceability_reading_pYYYYMM`, plus a DEFAULT partition that catches a month whose
partition does not exist yet. `ensure_partitions` makes the partitions from the retention horizon to a few months
ahead (the migration and the daily maintenance job call it); if rows already sit in DEFAULT for a month about to
get its partition, they are moved into it first. Pruning drops whole partitions older than the retention
(instant, no dead rows) and deletes the few older rows of the partition that straddles the horizon.

SQLite (`make run`): one plain table; pruning is a DELETE.

Aggregates: ingestion records each (device, hour) it wrote in `PendingHour`; `refresh_aggregates` recomputes
those hours (count, min, max, sum per measure) and the Taiwan days that contain them, then clears them. A
reading that arrives late (a gateway that was offline for a day) marks its old hour again, so the aggregates
stay exact.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from traceability.models import PendingHour, Reading, ReadingAggregate, ReadingExclusion

TAIWAN = ZoneInfo("Asia/Taipei")
MONTHS_AHEAD = 3
PARTITION_PREFIX = "traceability_reading_p"
PENDING_DELETE_SLICE = 200


# --- partitions ------------------------------------------------------------------------------------------------


def _month_start(day):
    return datetime.date(day.year, day.month, 1)


def _next_month(month):
    return datetime.date(month.year + (month.month // 12), month.month % 12 + 1, 1)


def _bound(month):
    """A month's first instant in UTC (partitions split at UTC midnight of the 1st: a reading's month is its UTC
    month; aggregates are per Taiwan day regardless, so the split only decides which file a row sits in)."""
    return datetime.datetime(month.year, month.month, 1, tzinfo=datetime.UTC)


def partition_name(month):
    return f"{PARTITION_PREFIX}{month:%Y%m}"


def existing_partitions(connection=None):
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid WHERE parent.relname = 'traceability_reading'"
        )
        return sorted(row[0] for row in cursor.fetchall() if row[0].startswith(PARTITION_PREFIX))


def wanted_months(today=None):
    today = today or timezone.now().date()
    first = _month_start(today - datetime.timedelta(days=settings.TRACE_RAW_RETENTION_DAYS))
    last = _month_start(today)
    for _ in range(MONTHS_AHEAD):
        last = _next_month(last)
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def ensure_partitions(today=None, connection=None):
    """Create the monthly partitions from the retention horizon to MONTHS_AHEAD ahead; returns the names made."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    have = set(existing_partitions(connection))
    made = []
    for month in wanted_months(today):
        name = partition_name(month)
        if name in have:
            continue
        low, high = _bound(month), _bound(_next_month(month))
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # Rows of this month may sit in DEFAULT (its partition did not exist when they arrived): a partition
            # cannot be attached over them, so they move into the new table first.
            cursor.execute(f"CREATE TABLE {name} (LIKE traceability_reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM traceability_reading_default WHERE taken_at >= %s AND taken_at < %s "  # noqa: S608
                f"RETURNING *) INSERT INTO {name} (taken_at, value, device_id, measure) "
                "SELECT taken_at, value, device_id, measure FROM moved",
                [low, high],
            )
            cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (device_id, measure, taken_at)")
            cursor.execute(
                f"ALTER TABLE traceability_reading ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [low, high]
            )
        made.append(name)
    return made


# --- writing -----------------------------------------------------------------------------------------------------


def hour_of(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def store_readings(device_id, rows, *, seen_at=None):
    """Insert (measure number, taken_at, value) rows of one device; a row already stored is skipped. With
    `seen_at`, the device's last-seen time is set too.

    Returns how many rows were new. On PostgreSQL one statement (one round trip, atomic by itself, so the API needs
    no transaction around it): the readings travel as three arrays unnested server-side into INSERT … ON CONFLICT
    DO NOTHING, and data-modifying CTEs mark the hours they touch and set the last-seen time. On SQLite the same
    in a few statements inside one transaction.
    """
    if not rows:
        return 0
    hours = sorted({hour_of(taken_at) for _number, taken_at, _value in rows})
    if default_connection.vendor == "postgresql":
        seen = ""
        params = [device_id, [row[1] for row in rows], [row[2] for row in rows], [row[0] for row in rows]]
        params += [device_id, hours]
        if seen_at is not None:
            seen = ", seen AS (UPDATE traceability_device SET last_seen_at = %s WHERE id = %s RETURNING 1)"
            params += [seen_at, device_id]
        sql = (
            "WITH stored AS (INSERT INTO traceability_reading (taken_at, value, device_id, measure) "  # noqa: S608
            "SELECT t, v, %s, m FROM unnest(%s::timestamptz[], %s::float8[], %s::smallint[]) AS r (t, v, m) "
            "ON CONFLICT DO NOTHING RETURNING 1), "
            "hours AS (INSERT INTO traceability_pendinghour (device_id, hour) SELECT %s, h "
            "FROM unnest(%s::timestamptz[]) AS p (h) ON CONFLICT DO NOTHING RETURNING 1)"
            + seen  # one of two fixed texts
            + " SELECT COUNT(*) FROM stored"
        )
        with default_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    # Stored as Django stores datetimes on SQLite (naive UTC text), so the ORM's comparisons match them.
    adapt = default_connection.ops.adapt_datetimefield_value
    with transaction.atomic(savepoint=False), default_connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        before = cursor.fetchone()[0]
        cursor.executemany(
            "INSERT OR IGNORE INTO traceability_reading (device_id, measure, taken_at, value) VALUES (%s, %s, %s, %s)",
            [(device_id, number, adapt(taken_at), value) for number, taken_at, value in rows],
        )
        cursor.execute("SELECT total_changes()")
        stored = cursor.fetchone()[0] - before
        cursor.executemany(
            "INSERT OR IGNORE INTO traceability_pendinghour (device_id, hour) VALUES (%s, %s)",
            [(device_id, adapt(hour)) for hour in hours],
        )
        if seen_at is not None:
            cursor.execute(
                "UPDATE traceability_device SET last_seen_at = %s WHERE id = %s", [adapt(seen_at), device_id]
            )
    return stored


# --- aggregates ----------------------------------------------------------------------------------------------


def taiwan_day_start(moment):
    local = moment.astimezone(TAIWAN)
    return datetime.datetime(local.year, local.month, local.day, tzinfo=TAIWAN)


def refresh_aggregates(limit=2000):
    """Recompute the aggregates of the pending hours (up to `limit`) and of their Taiwan days. Returns the count.

    The pending rows are deleted and the hours recomputed in one transaction: a reading stored meanwhile marks its
    hour again once this commits (its INSERT waits on the deleted row), so the next run picks it up.

    A device's pending hours are taken in runs (hours at most RUN_GAP apart): each run is one grouped query over
    its readings and one upsert, and each run of days one grouped query over the hourly rows, so a gateway that
    sends a week at once, or the demo's three weeks, costs a few queries rather than two per hour. An hour inside a
    run that was not pending is recomputed too, which is exact and cheap.
    """
    with transaction.atomic():
        pending = list(PendingHour.objects.order_by("hour").values_list("device_id", "hour")[:limit])
        if not pending:
            return 0
        # In slices: a composite key's IN list becomes one (a AND b) OR … expression, and SQLite refuses an
        # expression deeper than 1,000 (the embedded set-up's job failed past ~500 pending hours).
        for first in range(0, len(pending), PENDING_DELETE_SLICE):
            PendingHour.objects.filter(pk__in=pending[first : first + PENDING_DELETE_SLICE]).delete()
        hours_of = defaultdict(set)
        for device_id, hour in pending:
            hours_of[device_id].add(hour)
        for device_id, hours in sorted(hours_of.items()):
            for first, last in _runs(hours, RUN_GAP):
                _aggregate_hours(device_id, first, last + datetime.timedelta(hours=1))
            days = {taiwan_day_start(hour) for hour in hours}
            for first, last in _runs(days, datetime.timedelta(days=1)):
                _aggregate_days(device_id, first, last + datetime.timedelta(days=1))
    return len(pending)


RUN_GAP = datetime.timedelta(hours=6)


def _runs(moments, gap):
    """[(first, last)] of the sorted moments, a new run wherever two are more than `gap` apart."""
    runs = []
    for moment in sorted(moments):
        if runs and moment - runs[-1][1] <= gap:
            runs[-1][1] = moment
        else:
            runs.append([moment, moment])
    return [(first, last) for first, last in runs]


def _upsert(rows):
    ReadingAggregate.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["device", "measure", "resolution", "start"],
        update_fields=["count", "minimum", "maximum", "total"],
        batch_size=500,
    )


def _aggregate_hours(device_id, start, end):
    """The hourly aggregates of one device's readings in [start, end), in one grouped query, leaving out the
    readings its team hid (an hour whose readings are all hidden loses its row)."""
    readings = Reading.objects.filter(device_id=device_id, taken_at__gte=start, taken_at__lt=end)
    hidden = ReadingExclusion.objects.hiding(device_id)
    if hidden is not None:
        readings = readings.exclude(hidden)
        _forget(device_id, ReadingAggregate.Resolution.HOUR, start, end)
    sums = (
        readings.annotate(bucket=TruncHour("taken_at", tzinfo=datetime.UTC))
        .values("measure", "bucket")
        .annotate(n=Count("value"), low=Min("value"), high=Max("value"), total=Sum("value"))
        .order_by()
    )
    _upsert_sums(device_id, ReadingAggregate.Resolution.HOUR, sums)


def _aggregate_days(device_id, start, end):
    """The daily (Taiwan day) aggregates of one device in [start, end), from its hourly rows, in one query."""
    if ReadingExclusion.objects.filter(device_id=device_id).exists():
        _forget(device_id, ReadingAggregate.Resolution.DAY, start, end)
    sums = (
        ReadingAggregate.objects.filter(
            device_id=device_id, resolution=ReadingAggregate.Resolution.HOUR, start__gte=start, start__lt=end
        )
        .annotate(bucket=TruncDay("start", tzinfo=TAIWAN))
        .values("measure", "bucket")
        .annotate(n=Sum("count"), low=Min("minimum"), high=Max("maximum"), total=Sum("total"))
        .order_by()
    )
    _upsert_sums(device_id, ReadingAggregate.Resolution.DAY, sums)


def _forget(device_id, resolution, start, end):
    """Delete a device's aggregates of `resolution` starting in [start, end) before they are recomputed: a span
    left with no reading (all of it hidden) then has no row, rather than its old one."""
    ReadingAggregate.objects.filter(
        device_id=device_id, resolution=resolution, start__gte=start, start__lt=end
    ).delete()


def _upsert_sums(device_id, resolution, sums):
    rows = [
        ReadingAggregate(
            device_id=device_id,
            measure=row["measure"],
            resolution=resolution,
            start=row["bucket"],
            count=row["n"],
            minimum=row["low"],
            maximum=row["high"],
            total=row["total"],
        )
        for row in sums
    ]
    if rows:
        _upsert(rows)


# --- retention -----------------------------------------------------------------------------------------------


def retention_horizon(now=None):
    return (now or timezone.now()) - datetime.timedelta(days=settings.TRACE_RAW_RETENTION_DAYS)


def prune_raw_readings(now=None):
    """Drop raw readings older than TRACE_RAW_RETENTION_DAYS (aggregates stay). Returns (partitions dropped, rows
    deleted)."""
    horizon = retention_horizon(now)
    dropped = 0
    if default_connection.vendor == "postgresql":
        for name in existing_partitions():
            month = datetime.date(int(name[-6:-2]), int(name[-2:]), 1)
            if _bound(_next_month(month)) <= horizon:
                with default_connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE traceability_reading DETACH PARTITION {name}")
                    cursor.execute(f"DROP TABLE {name}")
                dropped += 1
    deleted, _ = Reading.objects.filter(taken_at__lt=horizon).delete()
    return dropped, deleted
