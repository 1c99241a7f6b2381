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


# Above bulk work (Wagtail's reference-index task per saved page, an import's backlog) and below the scheduled jobs:
# a page's next visitors are waiting for it.
@task(priority=5)
def warm_pages(page_ids):
    """Render these pages for the page cache once a change made them stale (cms.page_warming); returns the summary."""
    from cms.page_warming import warm

    return warm(page_ids).summary()


@task()
def warm_pages_of_the_day(limit):
    """Render the `limit` most read pages for the page cache, then the pages kept all day (a new day, a release or a
    change every page shows starts every page's copy afresh: cms.page_warming.pages_of_the_day)."""
    from cms.page_warming import pages_of_the_day, warm, warming_enabled

    if not warming_enabled():
        return "page cache warming is off"
    return warm(pages_of_the_day(limit)).summary()
