from django_tasks import task

from marketplace.digests import send_weekly_digests


@task()
def weekly_digests():
    """Run weekly (or more often: a company gets one digest per week)."""
    return send_weekly_digests()
