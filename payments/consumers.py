"""The project page's live funding progress: anyone may listen, but only to a live, public project."""

from channels.db import database_sync_to_async

from core.live import CLOSE_NOT_FOUND, LiveEventConsumer
from payments.live import FundingProgress, ProgressWithdrawn, project_group


class ProjectProgressConsumer(LiveEventConsumer):
    """Forwards funding.progress events of one project; anonymous visitors are welcome, nothing is received."""

    async def connect(self):
        self.project_id = self.scope["url_route"]["kwargs"]["project_id"]
        if not await self._is_public_listing():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join_and_accept(project_group(self.project_id))

    async def live_event(self, message):
        # Only the figures of this project, and nothing but funding progress, ever reach the page. The payload is
        # public (the page shows the same figures), so no per-event database check is needed for 1,000 listeners.
        if message["payload"].get("project_id") != self.project_id:
            return
        if message.get("event") == ProgressWithdrawn.name:
            await self.close_as_withdrawn()
        elif message.get("event") == FundingProgress.name:
            await self.send_event(message)

    @database_sync_to_async
    def _is_public_listing(self):
        from payments.funding import public_listing

        return public_listing(self.project_id) is not None
