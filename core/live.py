"""The one way Homeward pushes an event to browsers, and the base of every live socket.

Events are typed (one dataclass per kind), sent to a Channels group only after
the surrounding transaction commits, and never raise: when the channel layer
(Redis) is down, the page still works and the browser catches up later.
"""

import asyncio
import contextlib
import functools
import json
import logging
from dataclasses import asdict, dataclass

from asgiref.sync import async_to_sync
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The consumer method that receives every live event (Channels maps "live.event" to live_event).
CONSUMER_MESSAGE_TYPE = "live.event"
# Sent to every socket of a person when their session or access may have ended (sign-out, password change, removal
# from an organisation): each socket checks again and closes if it must (recheck_sockets_of).
RECHECK_MESSAGE_TYPE = "live.recheck"


def person_group(user_id):
    return f"live-person-{user_id}"


def recheck_sockets_of(user_id):
    """After the transaction commits, have every open socket of this person check their session and access again."""

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(person_group(user_id), {"type": RECHECK_MESSAGE_TYPE})
        except Exception:  # the channel layer down: the sockets check on their next event anyway
            logger.warning("Could not ask the sockets of user %s to check again", user_id, exc_info=True)

    transaction.on_commit(send)


def session_is_current(scope):
    """True while the socket's session still signs in its person: not signed out (session gone), not after a
    password change elsewhere (the session's auth hash no longer matches). Blocking: call it through
    database_sync_to_async."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils.crypto import constant_time_compare

    user, session = scope.get("user"), scope.get("session")
    key = getattr(session, "session_key", None)
    if user is None or not user.is_authenticated or not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    data = store.load()  # an unknown or expired key loads as empty
    if str(data.get(SESSION_KEY)) != str(user.pk) or not data.get(BACKEND_SESSION_KEY):
        return False
    current = get_user_model().objects.filter(pk=user.pk).first()  # a deactivated account: the consumer's own check
    if current is None:
        return False
    return constant_time_compare(data.get(HASH_SESSION_KEY, ""), current.get_session_auth_hash())


CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# The channel layer (Redis) does not answer: the page says live updates are offline and the browser retries later.
CLOSE_LIVE_UNAVAILABLE = 4503
JOIN_TIMEOUT_SECONDS = 1  # Redis answers in milliseconds; a second means it will not


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


def reaches_other_processes():
    """Whether an event sent from another process (a task worker) reaches the sockets the web processes hold: not
    with the in-memory channel layer of the embedded set-up, where only the web process itself can tell them."""
    from channels.layers import InMemoryChannelLayer

    layer = get_channel_layer()
    return layer is not None and not isinstance(layer, InMemoryChannelLayer)


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


_FAILED = object()


async def _within(awaitable, seconds):
    """What `awaitable` returns if it finishes without error within `seconds`, else _FAILED. It is left cancelled
    rather than awaited: a Redis client retrying its connection may hold on to a cancellation, and the socket must
    not wait for it."""
    task = asyncio.ensure_future(awaitable)
    done, _pending = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        task.add_done_callback(lambda finished: finished.cancelled() or finished.exception())
        return _FAILED
    if task.exception() is not None:
        logger.debug("Channel layer call failed", exc_info=task.exception())
        return _FAILED
    return task.result()


class LiveEventConsumer(AsyncJsonWebsocketConsumer):
    """Base of Homeward's live sockets: a live event goes straight to `live_event`.

    Channels' own dispatch first runs `close_old_connections` through `sync_to_async` (thread-sensitive: one
    shared thread) before every handler. With 1,000 pages open on one project, that is 1,000 hops in a row
    through that one thread for each payment, most of the delivery time (bench/websockets.py). Our
    `live_event` handlers reach the database only through `database_sync_to_async`, which closes stale
    connections itself before and after each call, so the hop adds nothing for them. Every other message
    (connect, disconnect, what the browser sends) keeps Channels' dispatch.
    """

    async def __call__(self, scope, receive, send):
        """Channels' AsyncConsumer.__call__, except that a channel layer that does not answer (Redis down or hung)
        leaves the socket without live events instead of failing the handshake: join_and_accept then says so."""
        self.scope = scope
        self.base_send = send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            channel_name = await _within(self.channel_layer.new_channel(), JOIN_TIMEOUT_SECONDS)
            if channel_name is _FAILED:
                logger.warning("Live socket without live events: the channel layer does not answer")
                self.channel_layer = None
            else:
                self.channel_name = channel_name
                self.channel_receive = functools.partial(self.channel_layer.receive, channel_name)
                sources.append(self.channel_receive)
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch(sources, self.dispatch)

    async def dispatch(self, message):
        kind = message.get("type")
        if kind == CONSUMER_MESSAGE_TYPE and self.withdrawn:
            return  # closed already: events queued before it left its group are dropped
        if kind == CONSUMER_MESSAGE_TYPE:
            # A signed-in socket re-checks its session on every event: signed out or password changed, it closes.
            if self.person_group and not await self.still_signed_in():
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            await self.live_event(message)
        elif kind == RECHECK_MESSAGE_TYPE:
            await self.recheck()
        else:
            await super().dispatch(message)

    async def still_signed_in(self):
        from channels.db import database_sync_to_async

        return await database_sync_to_async(session_is_current)(self.scope)

    async def recheck(self):
        """The person's session or access may have ended: close unless still signed in (subclasses add access)."""
        if not await self.still_signed_in():
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def send_event(self, message):
        """Send the event as `send_now` encoded it (once for every socket of the group)."""
        text = message.get("text")
        if text is None:  # not sent through send_now
            text = self.encode_json({"event": message["event"], "payload": message["payload"]})
        await self.send(text_data=text)

    group_name = None
    person_group = None  # set for a signed-in person's socket: recheck_sockets_of reaches it there
    withdrawn = False

    async def close_as_withdrawn(self):
        """What the socket follows is no longer public: leave its group and close with CLOSE_NOT_FOUND, once,
        however many withdrawals reach it (the change's own and a later push's)."""
        if self.withdrawn:
            return
        self.withdrawn = True
        if self.group_name and self.channel_layer is not None:
            await _within(self.channel_layer.group_discard(self.group_name, self.channel_name), JOIN_TIMEOUT_SECONDS)
            self.group_name = None
        await self.close(code=CLOSE_NOT_FOUND)

    async def join_and_accept(self, group_name):
        """Join the group whose live events this socket forwards, then accept the connection; True when joined.

        When the channel layer (Redis) is down or hung, accept and close at once with CLOSE_LIVE_UNAVAILABLE: the
        page says live updates are offline and the browser retries later, instead of a failed handshake."""
        if (
            self.channel_layer is None
            or await _within(self.channel_layer.group_add(group_name, self.channel_name), JOIN_TIMEOUT_SECONDS)
            is _FAILED
        ):
            logger.warning("Live socket could not join %s: the channel layer does not answer", group_name)
            await self.accept()
            await self.close(code=CLOSE_LIVE_UNAVAILABLE)
            return False
        self.group_name = group_name
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            person = person_group(user.pk)
            joined = await _within(self.channel_layer.group_add(person, self.channel_name), JOIN_TIMEOUT_SECONDS)
            if joined is not _FAILED:
                self.person_group = person
        await self.accept()
        return True

    async def disconnect(self, code):
        if (
            self.group_name
            and await _within(
                self.channel_layer.group_discard(self.group_name, self.channel_name), JOIN_TIMEOUT_SECONDS
            )
            is _FAILED
        ):
            logger.warning("Live socket could not leave %s (the subscription ends with the process)", self.group_name)
        if self.person_group:
            await _within(self.channel_layer.group_discard(self.person_group, self.channel_name), JOIN_TIMEOUT_SECONDS)

    async def signed_in_user(self):
        """The signed-in person of the socket, or None after closing it with CLOSE_UNAUTHENTICATED."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return None
        return user

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Channels' JSON decoding, except that a frame which is not JSON text (binary, unparsable, nested past
        what the parser takes) is answered with an error event: it raised in the consumer, which dropped the
        socket with an internal error (1011) and logged a server error per frame anyone sent."""
        try:
            if text_data is None:
                raise ValueError("binary frame")
            content = await self.decode_json(text_data)
        except (ValueError, RecursionError):
            await self.send_json(
                {
                    "event": "error",
                    "payload": {"code": "not_json", "reason": _("This socket reads only JSON text messages.")},
                }
            )
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        """Browsers only listen on live sockets; anything they send is ignored unless a subclass says otherwise."""

    async def live_event(self, message):
        raise NotImplementedError
