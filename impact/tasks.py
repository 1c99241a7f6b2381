"""Background work of the impact app (django-tasks). Arguments are plain JSON, never objects."""

from django_tasks import task

from impact import service


@task()
def refresh_impact_figures(filters):
    """Compute the impact figures for these filters (``service.filters_to_json``) and keep them as the latest."""
    snapshot = service.run_refresh(service.filters_from_json(filters))
    return {"version": snapshot.version, "computed_at": snapshot.computed_at.isoformat()}
