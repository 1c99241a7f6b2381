"""A conversation's live socket: it only delivers (messages are sent over HTTP), to its participants only."""

from channels.db import database_sync_to_async

from conversations.live import conversation_group
from core.live import CLOSE_FORBIDDEN, LiveEventConsumer


class ConversationConsumer(LiveEventConsumer):
    async def connect(self):
        user = await self.signed_in_user()
        if user is None:
            return
        self.user_id = user.pk
        self.conversation_id = self.scope["url_route"]["kwargs"]["pk"]
        if not await self._may_read():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.join_and_accept(conversation_group(self.conversation_id))

    async def receive_json(self, content, **kwargs):
        """Messages are sent over HTTP POST (stored once, rate-limited, working with the socket down): say so."""
        await self.send_json(
            {
                "event": "error",
                "payload": {
                    "code": "send_over_http",
                    "reason": "Send messages over HTTP POST; this socket only delivers.",
                },
            }
        )

    async def live_event(self, message):
        # Re-checked on every event: someone who left either organisation stops receiving at once.
        if message["payload"].get("conversation_id") != self.conversation_id or not await self._may_read():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_event(message)

    async def recheck(self):
        """Signed out, password changed or removed from an organisation: the socket closes at once."""
        await super().recheck()
        if self.person_group and not await self._may_read():
            await self.close(code=CLOSE_FORBIDDEN)

    @database_sync_to_async
    def _may_read(self):
        from django.contrib.auth import get_user_model

        from conversations.models import Conversation
        from conversations.queries import is_participant

        conversation = Conversation.objects.filter(pk=self.conversation_id).first()
        user = get_user_model().objects.filter(pk=self.user_id).first()
        return conversation is not None and user is not None and is_participant(user, conversation)
