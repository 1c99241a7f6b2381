"""Live notifications through the real ASGI application and the Redis channel layer."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from accounts.models import User
from config.asgi import application
from core.live import send_now
from notifications import actions
from notifications.live import NotificationsChanged
from notifications.models import Notification
from tests.helpers import socket_headers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

KIND = Notification.Kind.NEW_QUESTION


def _communicator(headers):
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


@pytest.fixture
def team_member():
    return User.objects.create_user("team@homeward.test", "pw-for-tests-123")


@pytest.fixture
def outsider():
    return User.objects.create_user("outsider@homeward.test", "pw-for-tests-123")


def test_a_signed_out_socket_is_refused():
    headers = socket_headers()

    async def scenario():
        communicator = _communicator(headers)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4401)


def test_a_person_receives_their_own_notification_and_nobody_else_does(team_member, outsider):
    my_headers, their_headers = socket_headers(team_member), socket_headers(outsider)

    async def scenario():
        mine, theirs = _communicator(my_headers), _communicator(their_headers)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        greeting = await mine.receive_json_from(timeout=5)
        await theirs.receive_json_from(timeout=5)

        await database_sync_to_async(actions.notify)(team_member, KIND, "有人問：可以參觀農場嗎？", "", "/zh-hant/")

        pushed = await mine.receive_json_from(timeout=5)
        outsider_heard = not await theirs.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await theirs.disconnect()
        return greeting, pushed, outsider_heard

    greeting, pushed, outsider_heard = async_to_sync(scenario)()

    assert greeting == {"event": "notifications.changed", "payload": {"unread_count": 0}}
    assert pushed["event"] == "notifications.changed"
    assert pushed["payload"]["unread_count"] == 1
    assert pushed["payload"]["latest_title"] == "有人問：可以參觀農場嗎？"
    assert outsider_heard is False


def test_reconnecting_catches_up_on_what_was_missed(team_member):
    actions.notify(team_member, KIND, "斷線時來的通知")

    headers = socket_headers(team_member)

    async def scenario():
        communicator = _communicator(headers)
        await communicator.connect()
        greeting = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return greeting

    assert async_to_sync(scenario)()["payload"]["unread_count"] == 1


def test_an_event_for_another_person_closes_the_socket(team_member, outsider):
    """A message that reaches the wrong group is refused by the per-event check, not delivered."""

    headers = socket_headers(team_member)

    async def scenario():
        communicator = _communicator(headers)
        await communicator.connect()
        await communicator.receive_json_from(timeout=5)
        forged = NotificationsChanged(user_id=outsider.pk, unread_count=9)
        await communicator.send_input({"type": "live.event", "event": forged.name, "payload": forged.payload()})
        output = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        return output

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4403}


def test_a_deactivated_person_is_disconnected_on_the_next_event(team_member):
    headers = socket_headers(team_member)

    async def scenario():
        communicator = _communicator(headers)
        await communicator.connect()
        await communicator.receive_json_from(timeout=5)
        await database_sync_to_async(User.objects.filter(pk=team_member.pk).update)(is_active=False)
        await database_sync_to_async(send_now)(NotificationsChanged(user_id=team_member.pk, unread_count=1))
        output = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        return output

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 4403}


def test_with_redis_down_a_notification_is_still_stored(team_member, settings, caplog):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {**settings.CHANNEL_LAYERS["default"], "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]}}
    }
    channel_layers.backends.clear()
    try:
        notification = actions.notify(team_member, KIND, "Redis 停了也要記得")
    finally:
        channel_layers.backends.clear()

    assert Notification.objects.filter(pk=notification.pk).exists()
    assert "Could not send live event notifications.changed" in caplog.text


def test_signing_out_closes_the_persons_sockets_and_a_stale_session_gets_no_event(team_member):
    """#17.6: an open socket kept delivering after its person signed out."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    browser = Client()
    browser.force_login(team_member)
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    headers.append((b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode()))
    other_headers = socket_headers(team_member)  # the same person in another browser

    async def scenario():
        socket, other = _communicator(headers), _communicator(other_headers)
        assert (await socket.connect())[0] and (await other.connect())[0]
        await socket.receive_json_from(timeout=5)
        await other.receive_json_from(timeout=5)

        await database_sync_to_async(browser.post)(reverse("account_logout"))
        closed = await socket.receive_output(timeout=5)

        # The other browser's session ends without a sign-out (expired, deleted): the next event is not delivered.
        await database_sync_to_async(Session.objects.all().delete)()
        await database_sync_to_async(actions.notify)(team_member, KIND, "私訊", "", "/zh-hant/")
        other_closed = await other.receive_output(timeout=5)
        return closed, other_closed

    closed, other_closed = async_to_sync(scenario)()
    assert closed == {"type": "websocket.close", "code": 4401}
    assert other_closed == {"type": "websocket.close", "code": 4401}


def test_the_live_title_is_in_the_recipients_language_not_the_senders(team_member):
    """A notification made while Chinese is active (a Chinese-reading asker's request) reaches an English-reading
    recipient's socket in English; a title written in one language only arrives as it was written."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from notifications.messages import Message

    team_member.preferred_language = "en"
    team_member.save()
    headers = socket_headers(team_member)
    title = Message(gettext_noop("A new question about “%(project)s”"), project="竹山竹林步道")

    def notify_in_chinese(title):
        with translation.override("zh-hant"):
            return actions.notify(team_member, KIND, title, "", "/en/")

    async def scenario():
        communicator = _communicator(headers)
        assert (await communicator.connect())[0]
        await communicator.receive_json_from(timeout=5)
        stored = await database_sync_to_async(notify_in_chinese)(title)
        translated = await communicator.receive_json_from(timeout=5)
        await database_sync_to_async(notify_in_chinese)("有人問：可以參觀農場嗎？")
        as_written = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return stored, translated, as_written

    stored, translated, as_written = async_to_sync(scenario)()

    assert stored.title == "「竹山竹林步道」有新的提問"
    assert translated["payload"]["latest_title"] == "A new question about “竹山竹林步道”"
    assert as_written["payload"]["latest_title"] == "有人問：可以參觀農場嗎？"


def test_the_push_carries_the_title_in_every_language_for_the_toast_of_the_page_read(client, team_member):
    """The toast shows the title in the page's language, whatever the person's profile says: the push carries it in
    each of the site's languages (a project named in each), with the id whose link opens and marks it read."""
    from django.utils import translation
    from django.utils.translation import gettext_noop

    from notifications.messages import Message

    headers = socket_headers(team_member)
    trail = Message.named({"zh-hant": "竹山竹林步道", "en": "Zhushan Bamboo Trail", "ja": "竹山の竹林遊歩道"})

    def notify_in_chinese():
        with translation.override("zh-hant"):
            title = Message(gettext_noop("A new question about “%(project)s”"), project=trail)
            return actions.notify(team_member, KIND, title, "", "/zh-hant/")

    async def scenario():
        communicator = _communicator(headers)
        assert (await communicator.connect())[0]
        await communicator.receive_json_from(timeout=5)
        stored = await database_sync_to_async(notify_in_chinese)()
        pushed = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return stored, pushed

    stored, pushed = async_to_sync(scenario)()

    assert pushed["payload"]["latest_id"] == stored.pk
    assert pushed["payload"]["latest_titles"] == {
        "zh-hant": "「竹山竹林步道」有新的提問",
        "en": "A new question about “Zhushan Bamboo Trail”",
        "ja": "「竹山の竹林遊歩道」に新しい質問があります",
    }
    # The page the toast is on knows its language and where a notification is opened in it.
    client.force_login(team_member)
    for language in ("zh-hant", "en", "ja"):
        with translation.override(language):
            page = client.get(reverse("notifications:list")).text
        assert f'data-language="{language}" data-open-url="/{language}/notifications/0/open/"' in page
        assert 'aria-live="polite"' in page and 'class="toast-dismiss"' in page
    with translation.override("en"):
        opened = client.get(reverse("notifications:open", kwargs={"pk": stored.pk}))
    assert opened.status_code == 302
    assert Notification.objects.get(pk=stored.pk).read_at is not None
