"""The project page's live funding progress: anyone may listen, but only to a live, public project.

Hundreds of people may have one project page open. Rather than one channel-layer group member per socket (the
layer would store and hand over one copy of each event per socket), each server process joins the project's
group ONCE (a ProjectHub per project and event loop) and hands each event to its own open sockets.
"""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.live import FundingProgress, project_group

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404


class ProjectHub:
    """This process's one member of a project's group: it receives each event once and forwards it locally."""

    def __init__(self, layer, project_id):
        self.layer = layer
        self.project_id = project_id
        self.consumers = set()
        self.channel = None
        self.task = None
        self.lock = asyncio.Lock()

    async def add(self, consumer):
        async with self.lock:
            self.consumers.add(consumer)
            if self.task is None:
                self.channel = await self.layer.new_channel()
                await self.layer.group_add(project_group(self.project_id), self.channel)
                self.task = asyncio.ensure_future(self._forward())

    async def remove(self, consumer):
        async with self.lock:
            self.consumers.discard(consumer)
            if self.consumers or self.task is None:
                return
            self.task.cancel()
            self.task = None
            try:
                await self.layer.group_discard(project_group(self.project_id), self.channel)
            except Exception:  # Redis down: the membership expires on its own
                logger.warning("Could not leave %s", project_group(self.project_id), exc_info=True)

    async def _forward(self):
        delay = 1
        while True:
            try:
                message = await self.layer.receive(self.channel)
                delay = 1
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis down: pages keep their figures and catch up over HTTP on reconnect
                logger.warning("Live funding progress for %s interrupted", self.project_id, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            for consumer in list(self.consumers):
                try:
                    await consumer.live_event(message)
                except Exception:  # one broken socket must not stop the others
                    logger.warning("Could not forward funding progress to a socket", exc_info=True)


# event loop → {project id: hub}; a loop that ends takes its hubs with it (tests run one loop per scenario).
_hubs = weakref.WeakKeyDictionary()


def hub_for(layer, project_id):
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    if project_id not in hubs:
        hubs[project_id] = ProjectHub(layer, project_id)
    return hubs[project_id]


class ProjectProgressConsumer(AsyncJsonWebsocketConsumer):
    """Forwards funding.progress events of one project; anonymous visitors are welcome, nothing is received."""

    hub = None

    async def connect(self):
        self.project_id = self.scope["url_route"]["kwargs"]["project_id"]
        if not await self._is_public_listing():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.accept()
        self.hub = hub_for(self.channel_layer, self.project_id)
        await self.hub.add(self)

    async def disconnect(self, code):
        if self.hub is not None:
            await self.hub.remove(self)

    async def receive_json(self, content, **kwargs):
        """Browsers only listen on this socket; anything they send is ignored."""

    async def live_event(self, message):
        # Only the figures of this project, and nothing but funding progress, ever reach the page. The payload is
        # public (the page shows the same figures), so no per-event database check is needed for 1,000 listeners.
        if message.get("event") != FundingProgress.name or message["payload"].get("project_id") != self.project_id:
            return
        await self.send_json({"event": message["event"], "payload": message["payload"]})

    @database_sync_to_async
    def _is_public_listing(self):
        from marketplace.funding import public_listing

        return public_listing(self.project_id) is not None
