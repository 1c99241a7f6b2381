"""The one way Homeward pushes an event to browsers, and the base of every live socket.

Events are typed (one dataclass per kind), sent to a Channels group only after
the surrounding transaction commits, and never raise: when the channel layer
(Redis) is down, the page still works and the browser catches up later.
"""

import json
import logging
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The consumer method that receives every live event (Channels maps "live.event" to live_event).
CONSUMER_MESSAGE_TYPE = "live.event"


CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


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


class LiveEventConsumer(AsyncJsonWebsocketConsumer):
    """Base of Homeward's live sockets: a live event goes straight to `live_event`.

    Channels' own dispatch first runs `close_old_connections` through `sync_to_async` (thread-sensitive: one
    shared thread) before every handler. With 1,000 pages open on one project, that is 1,000 hops in a row
    through that one thread for each payment, most of the delivery time (bench/websockets.py). Our
    `live_event` handlers reach the database only through `database_sync_to_async`, which closes stale
    connections itself before and after each call, so the hop adds nothing for them. Every other message
    (connect, disconnect, what the browser sends) keeps Channels' dispatch.
    """

    async def dispatch(self, message):
        if message.get("type") == CONSUMER_MESSAGE_TYPE:
            await self.live_event(message)
        else:
            await super().dispatch(message)

    async def send_event(self, message):
        """Send the event as `send_now` encoded it (once for every socket of the group)."""
        text = message.get("text")
        if text is None:  # not sent through send_now
            text = self.encode_json({"event": message["event"], "payload": message["payload"]})
        await self.send(text_data=text)

    group_name = None

    async def join_and_accept(self, group_name):
        """Join the group whose live events this socket forwards, then accept the connection."""
        self.group_name = group_name
        await self.channel_layer.group_add(group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def signed_in_user(self):
        """The signed-in person of the socket, or None after closing it with CLOSE_UNAUTHENTICATED."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return None
        return user

    async def receive_json(self, content, **kwargs):
        """Browsers only listen on live sockets; anything they send is ignored unless a subclass says otherwise."""

    async def live_event(self, message):
        raise NotImplementedError
