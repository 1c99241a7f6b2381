"""Every periodic job of Homeward, declared once: what runs, when (Taiwan time), and how it is retried.

Jobs name existing django-tasks tasks by dotted path, so this module imports no app at load time and moving a
task means changing one string here. The scheduler (``manage.py run_scheduler``) enqueues each job's task once per
slot; the ordinary workers run it. Every task named here is safe to run twice: a retried slot never doubles work.
"""

import dataclasses
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# Schedules are read in Taiwan's time whatever TIME_ZONE the servers use (Taiwan keeps no daylight saving time).
SCHEDULE_TIME_ZONE = ZoneInfo("Asia/Taipei")


@dataclasses.dataclass(frozen=True)
class Job:
    name: str  # stable identifier: the run history is keyed by it
    task_path: str  # dotted path of a django-tasks Task
    cron: str  # five-field cron expression in SCHEDULE_TIME_ZONE
    description: str
    kwargs: dict = dataclasses.field(default_factory=dict)
    # A slot missed by longer than this (every scheduler down) is skipped rather than run late.
    catch_up: timedelta = timedelta(hours=1)
    max_attempts: int = 3  # the first run and two retries
    retry_delay: timedelta = timedelta(minutes=1)  # doubled after each failed attempt
    # Above the default priority 0 of bulk tasks (Wagtail queues one reference-index task per saved page), so a
    # backlog of those after an import never holds back a page's publication or the nightly billing.
    priority: int = 10

    @cached_property
    def task(self):
        return import_string(self.task_path)

    def latest_slot(self, now):
        """The newest slot at or before `now` (aware datetime), or None when it is older than `catch_up`."""
        local = now.astimezone(SCHEDULE_TIME_ZONE).replace(second=0, microsecond=0) + timedelta(minutes=1)
        slot = next(CronSim(self.cron, local, reverse=True))  # reverse iteration is strictly before its start
        return slot if now - slot <= self.catch_up else None

    def next_slot(self, now):
        return next(CronSim(self.cron, now.astimezone(SCHEDULE_TIME_ZONE)))

    def retry_after(self, attempt):
        """How long after attempt number `attempt` failed the next one starts."""
        return self.retry_delay * (2 ** (attempt - 1))


JOBS = [
    Job(
        name="publish_scheduled_pages",
        task_path="cms.tasks.publish_scheduled_pages",
        cron="* * * * *",
        description=_("Publish pages whose go-live time has come and unpublish expired ones (Wagtail)"),
        catch_up=timedelta(minutes=10),
    ),
    Job(
        name="warm_pages_of_the_day",
        task_path="cms.tasks.warm_pages_of_the_day",
        kwargs={"limit": 600},  # as cms.page_warming.SITE_CHANGE_PAGES
        cron="0 0 * * *",
        description=_(
            "Render the most read pages and every township and index page for the page cache as a new day starts "
            "(pages count days left)"
        ),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="flush_page_visits",
        task_path="cms.tasks.flush_page_visits",
        cron="* * * * *",
        description=_("Write the page reads counted in Redis to the database (the translation queue's order)"),
        catch_up=timedelta(minutes=10),
    ),
    Job(
        name="replay_search_updates",
        task_path="search.tasks.replay_pending_search_updates",
        cron="*/5 * * * *",
        description=_("Send Elasticsearch the updates it missed while it was unreachable"),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="refresh_impact_figures",
        task_path="impact.tasks.refresh_impact_figures",
        kwargs={"filters": {}},
        cron="*/10 * * * *",
        description=_("Recompute the impact map's figures for all of Taiwan"),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="expire_abandoned_checkouts",
        task_path="payments.tasks.expire_abandoned_checkouts",
        cron="*/10 * * * *",
        description=_("Mark checkouts never completed within their 31 minutes as not completed"),
    ),
    Job(
        name="send_due_receipts",
        task_path="payments.receipts.send_due_receipts",
        cron="*/5 * * * *",
        description=_("Email the payment receipts not sent yet (a mail server that refused, a worker that stopped)"),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="seasonal_billing",
        task_path="payments.tasks.seasonal_billing",
        cron="0 3 * * *",
        description=_("Pause seasonal subscriptions outside their season and resume them in season"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="campaign_settlement",
        task_path="payments.tasks.campaign_settlement",
        cron="30 3 * * *",
        description=_("Settle donation campaigns past their deadline (refund all-or-nothing ones short of the goal)"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="erase_ended_delivery_addresses",
        task_path="payments.tasks.erase_ended_delivery_addresses",
        cron="45 3 * * *",
        description=_("Erase the delivery addresses of subscriptions that ended longer ago than the retention period"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="delete_expired_invitations",
        task_path="accounts.tasks.delete_expired_invitations",
        cron="0 4 * * *",
        description=_("Delete organisation invitations that expired more than 30 days ago"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="prune_task_results",
        task_path="scheduling.tasks.prune_task_results",
        cron="30 4 * * *",
        description=_("Delete finished background-task records and job runs older than 30 days"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="weekly_digests",
        task_path="marketplace.tasks.weekly_digests",
        cron="0 8 * * 1",
        description=_("Email companies the new projects matching their saved searches (Monday morning)"),
        catch_up=timedelta(hours=12),
    ),
    Job(
        name="person_digests",
        task_path="experiences.tasks.send_person_digests",
        cron="30 8 * * 1",
        description=_("Email people the new help requests matching their profile and new experiences near them"),
        catch_up=timedelta(hours=12),
    ),
    Job(
        name="trace_reading_aggregates",
        task_path="traceability.tasks.refresh_reading_aggregates",
        cron="*/5 * * * *",
        description=_("Recompute the hourly and daily aggregates of device readings that arrived"),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="trace_daily_digest",
        task_path="traceability.tasks.publish_daily_digest",
        cron="5 0 * * *",
        description=_("Sign and publish yesterday's digest of every batch's records"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="booking_reminders",
        task_path="experiences.tasks.send_booking_reminders",
        cron="0 9 * * *",
        description=_("Remind people of the experiences they booked for tomorrow, in their language"),
        catch_up=timedelta(hours=12),
    ),
    Job(
        name="waitlist_offers",
        task_path="experiences.tasks.expire_waitlist_offers",
        cron="*/5 * * * *",
        description=_("Lapse waitlist offers that ran out and offer the places to the next people waiting"),
        catch_up=timedelta(minutes=30),
    ),
    Job(
        name="search_dated_documents",
        task_path="search.people_tasks.refresh_dated_search_documents",
        cron="10 0 * * *",
        description=_("Take past experiences and ended help requests out of search, and move the date filter on"),
        catch_up=timedelta(hours=20),
    ),
    Job(
        name="trace_reading_storage",
        task_path="traceability.tasks.maintain_reading_storage",
        cron="40 3 * * *",
        description=_("Create next months' reading partitions, prune raw readings past retention, refresh live badges"),
        catch_up=timedelta(hours=6),
    ),
]


def job_named(name, jobs=None):
    for job in jobs or JOBS:
        if job.name == name:
            return job
    raise LookupError(f"no scheduled job is named {name!r}")


def check_declarations(jobs=None):
    """Refuse duplicate names and bad cron expressions (the task paths are checked by `manage.py check`)."""
    from django.core.exceptions import ImproperlyConfigured

    jobs = JOBS if jobs is None else jobs
    names = [job.name for job in jobs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"scheduled jobs declared twice: {', '.join(sorted(duplicates))}")
    for job in jobs:
        try:
            CronSim(job.cron, datetime(2026, 1, 1, tzinfo=SCHEDULE_TIME_ZONE))
        except CronSimError as error:
            raise ImproperlyConfigured(f"scheduled job {job.name}: bad cron expression {job.cron!r}: {error}") from None
