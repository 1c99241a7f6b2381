"""Conversations over HTTP: who may read and write, idempotent sends, the rate limit, safe rendering, unread counts,
notifications, reports and staff review, personal data."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.actions import delete_account, export_personal_data
from accounts.models import Membership
from conversations import actions, queries
from conversations.models import Conversation, ConversationReport, Message
from conversations.rendering import render_text
from core.actions import ActionRefused
from marketplace import actions as marketplace_actions
from notifications.models import Notification
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


def _send(client, conversation, text, client_id=None, json=True):
    headers = {"Accept": "application/json"} if json else {}
    data = {"text": text, "client_id": str(client_id or uuid.uuid4())}
    return client.post(reverse("conversations:send", kwargs={"pk": conversation.pk}), data, headers=headers)


def test_accepting_an_interest_opens_one_conversation_between_the_two_sides(market, conversation):
    assert conversation.company == market["company_org"]
    assert conversation.team == market["enterprise_org"]
    # Moving the interest on does not open another one.
    marketplace_actions.advance_interest(market["erin"], conversation.interest, "introduced")
    assert Conversation.objects.count() == 1


def test_a_declined_interest_has_no_conversation(market):
    interest = marketplace_actions.express_interest(market["dave"], market["company"], market["rice"])
    marketplace_actions.advance_interest(market["erin"], interest, "declined")
    assert not Conversation.objects.exists()


def test_the_interest_page_links_to_its_conversation(client, market, conversation):
    client.force_login(market["erin"])
    response = client.get(reverse("marketplace:interest_detail", kwargs={"pk": conversation.interest_id}))
    assert reverse("conversations:detail", kwargs={"pk": conversation.pk}) in response.text


def test_both_sides_write_and_read_and_a_message_sent_twice_is_stored_once(client, market, conversation):
    client.force_login(market["dave"])
    client_id = uuid.uuid4()

    first = _send(client, conversation, "想參觀稻田", client_id)
    again = _send(client, conversation, "想參觀稻田", client_id)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["message"]["id"] == again.json()["message"]["id"]
    assert Message.objects.filter(conversation=conversation).count() == 1

    client.force_login(market["erin"])
    page = client.get(reverse("conversations:detail", kwargs={"pk": conversation.pk}))
    assert page.status_code == 200 and "想參觀稻田" in page.text


def test_the_same_client_id_cannot_be_reused_by_someone_else(market, conversation):
    client_id = uuid.uuid4()
    actions.send_message(market["dave"], conversation, text="第一則", client_id=client_id)
    with pytest.raises(ActionRefused):
        actions.send_message(market["erin"], conversation, text="冒用", client_id=client_id)
    assert Message.objects.get().text == "第一則"


def test_an_empty_message_re_renders_the_form_with_a_message_and_stores_nothing(client, market, conversation):
    client.force_login(market["dave"])
    response = _send(client, conversation, "   ", json=False)
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not Message.objects.exists()


def test_the_rate_limit_answers_429_with_the_reason(client, market, conversation):
    client.force_login(market["dave"])
    for number in range(actions.RATE_LIMIT_MESSAGES):
        assert _send(client, conversation, f"第 {number} 則").status_code == 201

    refused = _send(client, conversation, "太快了")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert str(actions.RATE_LIMIT_MESSAGES) in refused.json()["error"]
    as_page = _send(client, conversation, "太快了", json=False)
    assert as_page.status_code == 429 and "太快了" in as_page.text  # the text is kept in the form
    assert Message.objects.count() == actions.RATE_LIMIT_MESSAGES
    # The other side is not slowed down by Dave.
    client.force_login(market["erin"])
    assert _send(client, conversation, "收到").status_code == 201


def test_messages_are_escaped_then_linkified():
    html = render_text('看 https://example.tw/田?a=1&b=2 <script>alert("x")</script>\n<a href="javascript:x">點</a>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="javascript' not in html and "&lt;a href=" in html
    assert '<a href="https://example.tw/%E7%94%B0?a=1&amp;b=2" rel="nofollow">' in html
    assert "<br>" in html


def test_unread_counts_follow_the_read_markers(client, market, conversation):
    actions.send_message(market["dave"], conversation, text="一", client_id=uuid.uuid4())
    second, _created = actions.send_message(market["dave"], conversation, text="二", client_id=uuid.uuid4())

    unread = {c.pk: c.unread for c in queries.conversations_of(market["erin"])}
    assert unread == {conversation.pk: 2}
    assert {c.pk: c.unread for c in queries.conversations_of(market["dave"])} == {conversation.pk: 0}

    client.force_login(market["erin"])
    listing = client.get(reverse("conversations:list"))
    assert listing.status_code == 200 and "2" in listing.text

    response = client.post(reverse("conversations:read", kwargs={"pk": conversation.pk}), {"up_to": second.pk - 1})
    assert response.json()["last_read_id"] == second.pk - 1
    assert queries.unread_count(market["erin"], conversation) == 1
    # Markers never move back.
    client.post(reverse("conversations:read", kwargs={"pk": conversation.pk}), {"up_to": 0})
    assert queries.unread_count(market["erin"], conversation) == 1


def test_the_other_side_gets_one_bell_notification_until_they_read(market, conversation):
    kind = Notification.Kind.CONVERSATION_REPLY
    actions.send_message(market["dave"], conversation, text="一", client_id=uuid.uuid4())
    actions.send_message(market["dave"], conversation, text="二", client_id=uuid.uuid4())

    erin_told = Notification.objects.filter(recipient=market["erin"], kind=kind)
    assert erin_told.count() == 1, "one unread notification per conversation, not one per message"
    assert erin_told.get().url == reverse("conversations:detail", kwargs={"pk": conversation.pk})
    # Colleagues of the author follow the conversation too; the author is never told of their own message.
    assert Notification.objects.filter(recipient=market["carol"], kind=kind).count() == 1
    assert not Notification.objects.filter(recipient=market["dave"], kind=kind).exists()

    actions.mark_read(market["erin"], conversation)  # opening the conversation reads the notification too
    assert not erin_told.filter(read_at__isnull=True).exists()
    # Erin is now reading live (she just marked it read): no new bell for the next message.
    actions.send_message(market["dave"], conversation, text="三", client_id=uuid.uuid4())
    assert erin_told.count() == 1


def test_the_reply_notification_links_in_the_recipients_language_and_is_read_in_any(market, conversation):
    from django.utils import translation

    kind = Notification.Kind.CONVERSATION_REPLY
    erin = market["erin"]
    erin.preferred_language = "ja"
    erin.save(update_fields=["preferred_language"])
    with translation.override("en"):  # Dave writes from the English site
        actions.send_message(market["dave"], conversation, text="one", client_id=uuid.uuid4())
    with translation.override("zh-hant"):  # and again from the Chinese one, before Erin reads
        actions.send_message(market["dave"], conversation, text="二", client_id=uuid.uuid4())

    erin_told = Notification.objects.filter(recipient=erin, kind=kind)
    assert erin_told.count() == 1, "one notification per conversation, whatever language the sender writes from"
    assert erin_told.get().url == f"/ja/conversations/{conversation.pk}/"

    with translation.override("en"):  # Erin opens the conversation on the English site
        actions.mark_read(erin, conversation)
    assert not erin_told.filter(read_at__isnull=True).exists()


def test_outsiders_and_staff_cannot_read_or_write(client, market, conversation, outsider):
    from accounts.models import User

    staff = User.objects.create_user("staff@example.tw", "pw-for-tests-123", is_staff=True)
    for person in (outsider, staff):
        with pytest.raises(PermissionDenied):
            actions.check_participant(person, conversation)
        with pytest.raises(PermissionDenied):
            actions.send_message(person, conversation, text="x", client_id=uuid.uuid4())
    with pytest.raises(PermissionDenied):
        actions.check_staff_reviewer(staff, conversation)
    client.force_login(staff)
    assert client.get(reverse("conversations:detail", kwargs={"pk": conversation.pk})).status_code == 403


def test_someone_who_left_the_organisation_loses_access(client, market, conversation):
    Membership.objects.filter(user=market["dave"], organisation=market["company_org"]).delete()
    client.force_login(market["dave"])
    assert client.get(reverse("conversations:detail", kwargs={"pk": conversation.pk})).status_code == 403
    assert queries.conversations_of(market["dave"]).count() == 0


def test_a_report_lets_staff_read_the_conversation_in_the_admin(client, market, conversation):
    from accounts.models import User

    actions.send_message(market["dave"], conversation, text="可疑的訊息 <b>粗體</b>", client_id=uuid.uuid4())
    staff = with_mfa(User.objects.create_superuser("staff@example.tw", "pw-for-tests-123"))
    client.force_login(staff)

    assert client.get(reverse("conversation_reports:index")).status_code == 200
    assert "可疑的訊息" not in client.get(reverse("conversation_reports:index")).text

    client.force_login(market["erin"])
    empty = client.post(reverse("conversations:report", kwargs={"pk": conversation.pk}), {"reason": " "})
    assert empty.status_code == 400 and not ConversationReport.objects.exists()
    assert "Say why you report this conversation." in empty.text or "data-error-summary" in empty.text
    client.post(reverse("conversations:report", kwargs={"pk": conversation.pk}), {"reason": "騷擾"})
    report = ConversationReport.objects.get()
    assert report.reporter == market["erin"]

    client.force_login(staff)
    inspect = client.get(reverse("conversation_reports:inspect", args=[report.pk]))
    assert inspect.status_code == 200
    assert "可疑的訊息 &lt;b&gt;粗體&lt;/b&gt;" in inspect.text
    client.post(reverse("conversation_reports:review"), {"pk": report.pk})
    report.refresh_from_db()
    assert report.reviewed_by == staff and report.reviewed_at is not None


def test_catch_up_returns_the_messages_after_the_last_id(client, market, conversation):
    first, _ = actions.send_message(market["dave"], conversation, text="一", client_id=uuid.uuid4())
    actions.send_message(market["erin"], conversation, text="二 https://homeward.test", client_id=uuid.uuid4())
    client.force_login(market["dave"])

    response = client.get(reverse("conversations:messages", kwargs={"pk": conversation.pk}), {"after": first.pk})

    [message] = response.json()["messages"]
    assert message["author_name"] == "Erin"
    assert '<a href="https://homeward.test" rel="nofollow">' in message["html"]


def test_ids_that_are_not_plain_digits_are_read_or_ignored_never_a_500(client, market, conversation):
    """A superscript ² passed str.isdigit() and then failed int(): the catch-up, the older page and the read
    marker answered 500."""
    first, _ = actions.send_message(market["dave"], conversation, text="一", client_id=uuid.uuid4())
    client.force_login(market["erin"])
    pk = {"pk": conversation.pk}
    for value in ("²", "-1", "1e3", "9" * 40, "\x00"):
        assert client.get(reverse("conversations:messages", kwargs=pk), {"after": value}).status_code == 200
        assert client.get(reverse("conversations:detail", kwargs=pk), {"before": value}).status_code == 200
        assert client.post(reverse("conversations:read", kwargs=pk), {"up_to": value}).status_code == 200
    response = client.get(reverse("conversations:messages", kwargs=pk), {"after": "０"})  # a full-width 0 is read
    assert [message["id"] for message in response.json()["messages"]] == [first.pk]


def test_the_personal_data_export_holds_the_persons_own_messages(market, conversation):
    actions.send_message(market["dave"], conversation, text="我的訊息", client_id=uuid.uuid4())
    actions.send_message(market["erin"], conversation, text="別人的訊息", client_id=uuid.uuid4())

    exported = export_personal_data(market["dave"])["data"]["conversations"]

    assert [m["text"] for m in exported["messages"]] == ["我的訊息"]


def test_deleting_an_account_removes_the_persons_messages_and_keeps_the_others(market, conversation):
    actions.send_message(market["dave"], conversation, text="我的訊息", client_id=uuid.uuid4())
    actions.send_message(market["erin"], conversation, text="別人的訊息", client_id=uuid.uuid4())

    delete_account(market["dave"])

    assert list(Message.objects.values_list("text", flat=True)) == ["別人的訊息"]


def test_the_conversation_pages_name_the_project_in_the_readers_language(client, market, conversation):
    """The team member reading English saw 關山米 as the heading of the conversation, its list and its report page,
    though the project is published as Guanshan Rice; a language without a translation keeps the original."""
    from django.utils import translation

    from tests.helpers import translation_of

    english = translation_of(market["rice"], "en")
    english.title = "Guanshan Rice"
    english.save_revision().publish()
    client.force_login(market["erin"])
    pk = {"pk": conversation.pk}
    with translation.override("en"):
        detail, report, listing = (
            client.get(url).text
            for url in (
                reverse("conversations:detail", kwargs=pk),
                reverse("conversations:report", kwargs=pk),
                reverse("conversations:list"),
            )
        )
    assert '<h1 lang="en">Guanshan Rice</h1>' in detail and "<title>Guanshan Rice ·" in detail
    assert "your conversation about Guanshan Rice unless" in report
    assert '<strong lang="en">Guanshan Rice</strong>' in listing and "<strong>關山米</strong>" not in listing

    with translation.override("ja"):
        japanese = client.get(reverse("conversations:detail", kwargs=pk)).text
    assert '<h1 lang="zh-Hant-TW">關山米</h1>' in japanese


def test_a_report_sent_twice_reaches_staff_once(client, market, conversation):
    """A double click on "Report to staff", or the form sent again from the back button, made two reports for staff
    to read; a different reason later is a report of its own."""
    client.force_login(market["erin"])
    url = reverse("conversations:report", kwargs={"pk": conversation.pk})

    first = client.post(url, {"reason": "對方一直傳廣告"}, follow=True)
    again = client.post(url, {"reason": " 對方一直傳廣告 "}, follow=True)

    assert first.redirect_chain and again.redirect_chain
    assert ConversationReport.objects.count() == 1
    assert [str(message) for message in again.context["messages"]] == ["謝謝。工作人員會閱讀這段對話與您提供的原因。"]
    client.post(url, {"reason": "還有騷擾的字眼"})
    assert ConversationReport.objects.count() == 2


def test_the_send_form_carries_what_to_say_when_only_spaces_are_typed(client, market, conversation):
    """The page refuses a message of spaces before sending it; it said nothing and only moved the focus."""
    from django.utils import translation

    client.force_login(market["dave"])
    with translation.override("ja"):
        page = client.get(reverse("conversations:detail", kwargs={"pk": conversation.pk})).text
    assert 'data-empty-message="まずメッセージを入力してください。"' in page
