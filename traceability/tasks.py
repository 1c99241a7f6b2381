"""Background work of traceability, run by the workers (the scheduler's jobs are declared in scheduling/jobs.py)."""

from django_tasks import task


@task()
def publish_daily_digest():
    """Daily, after midnight in Taiwan: sign and publish yesterday's digest of every chain (safe to repeat)."""
    from traceability.digests import publish_digest

    digest, created = publish_digest()
    return {"day": digest.day.isoformat(), "created": created, "chains": digest.chains, "entries": digest.entries}


@task()
def refresh_reading_aggregates():
    """Every few minutes: recompute the hourly and daily aggregates of the hours that received readings."""
    from traceability.storage import refresh_aggregates

    hours = 0
    while True:
        done = refresh_aggregates()
        hours += done
        if done == 0 or hours >= 50_000:
            return {"hours": hours}


@task()
def maintain_reading_storage():
    """Daily: the next months' partitions, raw readings past the retention pruned, "live data" badges refreshed."""
    from traceability.badges import refresh_live_badges
    from traceability.storage import ensure_partitions, prune_raw_readings

    made = ensure_partitions()
    dropped, deleted = prune_raw_readings()
    projects = refresh_live_badges()
    return {"partitions_made": made, "partitions_dropped": dropped, "rows_deleted": deleted, "projects": projects}


@task()
def send_alert_notifications(rule_id, kind, value, taken_at):
    from traceability.alerts import notify_alert

    return {"sent": notify_alert(rule_id, kind, value, taken_at)}
