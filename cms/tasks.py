"""Background work of the CMS (django-tasks)."""

from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled_pages():
    """Wagtail's scheduled publishing: publish revisions whose go-live time has passed, unpublish expired pages."""
    call_command("publish_scheduled", verbosity=0)
    return True


@task()
def flush_page_visits():
    """Move the page reads counted in Redis into the database (cms.visit_counter); returns how many."""
    from cms.visit_counter import flush_page_visits as flush

    return flush()
