"""The project page's live event: its funding totals after the ledger changed (sent through core.live).

A project's progress goes out at most once per settings.LIVE_PROGRESS_INTERVAL_SECONDS (1): the first payment of an
interval is announced as soon as it commits; the others within it are folded into one message at the interval's end,
which reads the totals then. However many payments a second a campaign receives, its open pages get about one message
a second carrying the latest figures, and the count of people behind a project (a read of all its backings) is made
once per message instead of once per payment. The cached pages showing the totals and the project's search document
are told with each message (payments.ledger.project_totals_moved), not with each payment: a folded payment's totals
reach them with the folded message, a second later at most. With the interval at 0, without a task queue that can
defer (the immediate backend of tests), with a channel layer a worker cannot reach the pages through (the embedded
set-up's in-memory one) or without the cache, every payment is announced by itself.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.live import LiveEvent, reaches_other_processes, send_now

logger = logging.getLogger(__name__)

# A folded message not sent after this long (no worker running) stops holding the next ones back.
FOLDED_MARK_SECONDS = 10


def project_group(project_id):
    return f"project.{project_id}"


@dataclass(frozen=True)
class FundingProgress(LiveEvent):
    """A project's totals after the ledger changed; everyone with the project page open receives it."""

    project_id: int
    raised_twd: int
    backers: int
    goal_twd: int | None = None  # the donation campaign's goal, when there is one

    name = "funding.progress"

    @property
    def group(self):
        return project_group(self.project_id)


@dataclass(frozen=True)
class ProgressWithdrawn(LiveEvent):
    """The project is no longer public (unpublished, deleted, put behind a restriction): its open pages' progress
    sockets close and hear no more totals."""

    project_id: int

    name = "funding.project_withdrawn"

    @property
    def group(self):
        return project_group(self.project_id)


def close_progress_sockets(project_ids):
    """cms.public.projects_withdrawn: the projects' open progress sockets close."""
    for project_id in project_ids:
        send_now(ProgressWithdrawn(project_id=project_id))


def _interval_key(project_id):
    return f"payments:progress-sent:{project_id}"


def _folded_key(project_id):
    return f"payments:progress-folded:{project_id}"


def send_progress(listing):
    """Tell the project's cached pages and search document that its totals moved, then send its open pages the
    totals as the ledger holds them now (the count of people read now too)."""
    from payments.funding import progress_of
    from payments.ledger import project_totals_moved

    project_totals_moved(listing.project_id)
    return send_now(FundingProgress(**progress_of(listing)))


def announce_committed_progress(listing):
    """What a committed ledger change does for the project's open pages: announce its totals now, or, when they
    were announced less than LIVE_PROGRESS_INTERVAL_SECONDS ago, once at the end of that interval."""
    from django_tasks import default_task_backend

    interval = settings.LIVE_PROGRESS_INTERVAL_SECONDS
    if interval and default_task_backend.supports_defer and reaches_other_processes():
        try:
            if not cache.add(_interval_key(listing.project_id), 1, timeout=interval):
                _fold(listing, interval)
                return
        except Exception:  # no cache or no queue: announce this change by itself rather than not at all
            logger.warning("Could not fold the live progress of project %s", listing.project_id, exc_info=True)
    send_progress(listing)


def _fold(listing, interval):
    """One message at the end of the interval, unless one is due already (it reads this change's totals too)."""
    from payments.tasks import send_funding_progress

    if cache.add(_folded_key(listing.project_id), 1, timeout=FOLDED_MARK_SECONDS):
        run_after = timezone.now() + datetime.timedelta(seconds=interval)
        send_funding_progress.using(run_after=run_after).enqueue(listing.pk)


def send_folded_progress(listing_id):
    """The folded message (payments.tasks.send_funding_progress): lift the mark first, so that a change committed
    after the totals are read folds into a message of its own."""
    from marketplace.models import ProjectListing

    listing = ProjectListing.objects.select_related("donation_campaign").filter(pk=listing_id).first()
    if listing is None:
        return False
    cache.delete(_folded_key(listing.project_id))
    return send_progress(listing)
