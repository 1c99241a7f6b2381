"""A project page's live readings: anyone may listen, to a live public project that shows device data; the socket
closes when the project stops being public (cms.public.projects_withdrawn), or at the latest when a push finds it no
longer public."""

from channels.db import database_sync_to_async

from core.live import CLOSE_NOT_FOUND, LiveEventConsumer
from traceability.live import ProjectWithdrawn, ReadingsReceived, readings_group


class ProjectReadingsConsumer(LiveEventConsumer):
    """Forwards trace.readings events of one project; the payload is what the public page shows already."""

    async def connect(self):
        self.project_id = self.scope["url_route"]["kwargs"]["project_id"]
        if not await self._shows_readings():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join_and_accept(readings_group(self.project_id))

    async def live_event(self, message):
        # Only public measures reach the event (ingest._latest_public), and only this project's: no per-event query.
        # Whether the project is still public is checked once per push by the sender (live.push_readings).
        if message["payload"].get("project_id") != self.project_id:
            return
        if message.get("event") == ProjectWithdrawn.name:
            await self.close_as_withdrawn()
        elif message.get("event") == ReadingsReceived.name:
            await self.send_event(message)

    @database_sync_to_async
    def _shows_readings(self):
        from cms.public import public_projects
        from traceability.queries import public_devices

        project = public_projects().filter(pk=self.project_id).first()
        return project is not None and bool(public_devices(project))
