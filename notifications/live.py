"""The one way Homeward pushes an event to browsers.

Events are typed (one dataclass per kind), sent to a Channels group only after
the surrounding transaction commits, and never raise: when the channel layer
(Redis) is down, the page still works and the browser catches up later.
"""

import json
import logging
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The consumer method that receives every live event (Channels maps "live.event" to live_event).
CONSUMER_MESSAGE_TYPE = "live.event"


def user_group(user_id):
    return f"user.{user_id}"


def project_group(project_id):
    return f"project.{project_id}"


@dataclass(frozen=True)
class LiveEvent:
    """Base of every event: subclasses say where it goes and what the browser receives."""

    @property
    def name(self):
        raise NotImplementedError

    @property
    def group(self):
        raise NotImplementedError

    def payload(self):
        return asdict(self)


@dataclass(frozen=True)
class NotificationsChanged(LiveEvent):
    user_id: int
    unread_count: int
    latest_title: str = ""
    latest_url: str = ""

    name = "notifications.changed"

    @property
    def group(self):
        return user_group(self.user_id)


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


def send_after_commit(event):
    """Queue `event` for after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: send_now(event))


def send_now(event):
    layer = get_channel_layer()
    if layer is None:
        return False
    payload = event.payload()
    message = {
        "type": CONSUMER_MESSAGE_TYPE,
        "event": event.name,
        "payload": payload,
        # What the browser receives, encoded once here rather than once per socket (1,000 open pages, one dumps).
        "text": json.dumps({"event": event.name, "payload": payload}),
    }
    try:
        async_to_sync(layer.group_send)(event.group, message)
    except Exception:  # a broken channel layer degrades live updates, never the request
        logger.warning("Could not send live event %s to %s", event.name, event.group, exc_info=True)
        return False
    return True
