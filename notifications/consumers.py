"""Websocket consumers stay thin: authenticate on connect, re-check on every event, close on failure."""

from channels.db import database_sync_to_async

from core.live import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, LiveEventConsumer
from notifications.live import user_group


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
