"""Websocket consumers stay thin: authenticate on connect, re-check on every event, close on failure."""

from channels.db import database_sync_to_async

from core.live import CLOSE_FORBIDDEN, LiveEventConsumer
from notifications.live import user_group


class NotificationsConsumer(LiveEventConsumer):
    async def connect(self):
        user = await self.signed_in_user()
        if user is None:
            return
        self.user_id = user.pk
        if not await self.join_and_accept(user_group(user.pk)):
            return
        # A (re)connecting page catches up on what it missed while the socket was down.
        await self.send_json(
            {"event": "notifications.changed", "payload": {"unread_count": await self._unread_count()}}
        )

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
