"""Websocket consumers stay thin: authenticate on connect, re-check on every event, close on failure."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.live import CONSUMER_MESSAGE_TYPE, user_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


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
        """Send the event as `notifications.live.send_now` encoded it (once for every socket of the group)."""
        text = message.get("text")
        if text is None:  # not sent through send_now
            text = self.encode_json({"event": message["event"], "payload": message["payload"]})
        await self.send(text_data=text)

    async def live_event(self, message):
        raise NotImplementedError


class NotificationsConsumer(LiveEventConsumer):
    group_name = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        # A (re)connecting page catches up on what it missed while the socket was down.
        await self.send_json(
            {"event": "notifications.changed", "payload": {"unread_count": await self._unread_count()}}
        )

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Browsers only listen on this socket; anything they send is ignored."""

    async def live_event(self, message):
        if message["payload"].get("user_id") != self.user_id or not await self._still_active():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_event(message)

    @database_sync_to_async
    def _still_active(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=self.user_id, is_active=True).exists()

    @database_sync_to_async
    def _unread_count(self):
        from notifications.models import Notification

        return Notification.objects.filter(recipient_id=self.user_id, read_at__isnull=True).count()
