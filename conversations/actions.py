"""Every change to a conversation: check who may do it, do it, push it live after commit (what only reads is in
conversations/queries.py).

`check_*` raise PermissionDenied (the caller answers 403/404); `send_message` raises RateLimited (an
ActionRefused with code "rate_limited", answered 429) when a person sends too fast.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.actions import get_membership
from accounts.privacy import public_name
from conversations.live import MessagePosted, ReadMarkerMoved
from conversations.models import MAX_MESSAGE_LENGTH, Conversation, ConversationReport, Message, ReadMarker
from conversations.queries import is_participant
from conversations.rendering import render_text
from core.actions import ActionRefused, lock_person, sent_moments_ago
from core.audit import Action, log
from core.live import send_after_commit

# At most this many messages per person per window, across all their conversations.
RATE_LIMIT_MESSAGES = 20
RATE_LIMIT_WINDOW = timedelta(minutes=1)
# Someone who marked the conversation read this recently is reading it live: no bell for each new message.
READING_LIVE_WINDOW = timedelta(minutes=2)


class RateLimited(ActionRefused):
    def __init__(self, message):
        super().__init__(message, code="rate_limited")


# --- who may see what -------------------------------------------------------------------------


def open_conversation_for_interest(interest, team):
    """The private conversation of an accepted interest between its company and `team`, the organisation that runs
    the project (the caller, marketplace, knows it); opened once: accepting again changes nothing."""
    conversation, created = Conversation.objects.get_or_create(
        interest=interest, defaults={"company": interest.company.organisation, "team": team}
    )
    if created:
        log(Action.CONVERSATION_OPEN, organisation=team, conversation=conversation.pk, interest=interest.pk)
    return conversation


def open_conversation_with_person(team, person, *, title, url=""):
    """A new private conversation between `team` (an organisation) and one `person`, about what `title` and `url`
    name. The app that opens it (people, for an accepted offer) keeps it and opens it once."""
    conversation = Conversation.objects.create(
        team=team, person=person, subject_title=str(title)[:200], subject_url=url
    )
    log(Action.CONVERSATION_OPEN, organisation=team, conversation=conversation.pk, person=person.pk)
    return conversation


def check_participant(user, conversation):
    """Members of the two organisations (or the person and the organisation's members) read and write; nobody else
    (staff neither)."""
    if not is_participant(user, conversation):
        raise PermissionDenied
    return conversation


def check_staff_reviewer(user, conversation):
    """Staff read a conversation only after one side reported it."""
    if not (user.is_active and user.is_staff and conversation.reports.exists()):
        raise PermissionDenied
    return conversation


# --- messages ---------------------------------------------------------------------------------


def _check_rate(user):
    since = timezone.now() - RATE_LIMIT_WINDOW
    if Message.objects.filter(author=user, created__gte=since).count() >= RATE_LIMIT_MESSAGES:
        raise RateLimited(
            _("You have sent %(count)d messages in the last minute. Wait a moment before sending more.")
            % {"count": RATE_LIMIT_MESSAGES}
        )


def send_message(user, conversation, *, text, client_id):
    """Store a message once per client id and deliver it live; returns (message, created).

    Sending the same client id again (a retry after a lost answer, a double click) returns the stored message.
    """
    check_participant(user, conversation)
    text = (text or "").strip()
    existing = Message.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _same_message(user, conversation, existing), False
    if not text:
        raise ActionRefused(_("Write a message first."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ActionRefused(_("A message has at most %(max)d characters.") % {"max": MAX_MESSAGE_LENGTH})
    try:
        with transaction.atomic():
            # One sender at a time per person, so two tabs cannot both slip under the rate limit.
            lock_person(user)
            _check_rate(user)
            message = Message.objects.create(conversation=conversation, author=user, client_id=client_id, text=text)
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created)
            _move_marker(user, conversation, message.pk)
            _notify_other_side(user, conversation, message)
            send_after_commit(
                MessagePosted(
                    conversation_id=conversation.pk,
                    id=message.pk,
                    author_id=user.pk,
                    author_name=str(public_name(user)),
                    html=str(render_text(message.text)),
                    created=message.created.isoformat(),
                )
            )
    except IntegrityError:  # the same client id committed by a concurrent request
        existing = Message.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _same_message(user, conversation, existing), False
    return message, True


def _same_message(user, conversation, existing):
    if existing.author_id != user.pk or existing.conversation_id != conversation.pk:
        raise ActionRefused(_("This message id is already used. Reload the page and send again."))
    return existing


def _notify_other_side(sender, conversation, message):
    """One bell notification per conversation until it is opened, and none for people reading it live.

    A person gets CONVERSATION_REPLY when they have no unread one for this conversation yet and they have not
    marked it read in the last READING_LIVE_WINDOW (an open page marks each message read as it arrives).
    """
    from core.languages import page_titles_by_language
    from notifications.actions import in_language_of, notify
    from notifications.messages import Message
    from notifications.models import Notification

    recently = timezone.now() - READING_LIVE_WINDOW
    reading_live = set(
        ReadMarker.objects.filter(conversation=conversation, updated__gte=recently).values_list("user_id", flat=True)
    )
    already_told = set(
        Notification.objects.filter(
            kind=Notification.Kind.CONVERSATION_REPLY, url__in=_conversation_urls(conversation), read_at__isnull=True
        ).values_list("recipient_id", flat=True)
    )
    recipients = (
        get_user_model()
        .objects.filter(
            Q(memberships__organisation_id__in=conversation.organisation_ids) | Q(pk=conversation.person_id or 0),
            is_active=True,
        )
        .exclude(pk=sender.pk)
        .distinct()
    )
    # A project's title in each language it is published in; a subject the opener typed is in theirs only.
    about = (
        Message.named(page_titles_by_language(conversation.interest.project))
        if conversation.interest_id
        else conversation.title
    )
    for recipient in recipients:
        if recipient.pk in reading_live or recipient.pk in already_told:
            continue
        with in_language_of(recipient):  # the title and the link in the recipient's language, not the sender's
            title = Message(gettext_noop("%(name)s wrote about %(project)s"), name=public_name(sender), project=about)
            url = reverse("conversations:detail", kwargs={"pk": conversation.pk})
            notify(recipient, Notification.Kind.CONVERSATION_REPLY, title, body=message.text[:200], url=url)


def _conversation_urls(conversation):
    """The conversation's address in every language: a reply notification links to the one of its recipient's
    language, whichever language the reader opens the conversation in."""
    urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls.append(reverse("conversations:detail", kwargs={"pk": conversation.pk}))
    return urls


# --- read markers -----------------------------------------------------------------------------


def _move_marker(user, conversation, message_id):
    marker, _created = ReadMarker.objects.select_for_update().get_or_create(conversation=conversation, user=user)
    if message_id > marker.last_read_id:
        marker.last_read_id = message_id
    marker.save()  # also when unchanged: `updated` says the person is reading now
    return marker


@transaction.atomic
def mark_read(user, conversation, up_to_id=None):
    """The person has read up to `up_to_id` (the latest message when None); markers only move forward."""
    check_participant(user, conversation)
    latest = conversation.messages.order_by("-pk").values_list("pk", flat=True).first() or 0
    target = latest if up_to_id is None else min(int(up_to_id), latest)
    marker = _move_marker(user, conversation, target)
    _clear_reply_notifications(user, conversation)
    send_after_commit(
        ReadMarkerMoved(
            conversation_id=conversation.pk,
            user_id=user.pk,
            user_name=str(public_name(user)),
            last_read_id=marker.last_read_id,
        )
    )
    return marker


def _clear_reply_notifications(user, conversation):
    from notifications.actions import mark_read as mark_notifications_read
    from notifications.models import Notification

    ids = list(
        Notification.objects.for_user(user)
        .unread()
        .filter(kind=Notification.Kind.CONVERSATION_REPLY, url__in=_conversation_urls(conversation))
        .values_list("pk", flat=True)
    )
    if ids:
        mark_notifications_read(user, ids)


# --- reports ----------------------------------------------------------------------------------


@transaction.atomic
def report_conversation(user, conversation, *, reason):
    """One side asks staff to look: from now on staff may read this conversation in the admin."""
    check_participant(user, conversation)
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Say why you report this conversation."))
    # A double click or a form sent again from the back button is the same report: staff read it once.
    same = ConversationReport.objects.filter(conversation=conversation, reporter=user, reason=reason)
    if (sent := sent_moments_ago(user, same)) is not None:
        return sent
    report = ConversationReport.objects.create(conversation=conversation, reporter=user, reason=reason)
    membership = (conversation.company and get_membership(user, conversation.company)) or get_membership(
        user, conversation.team
    )
    organisation = membership.organisation if membership else conversation.team
    log(Action.CONVERSATION_REPORT, actor=user, organisation=organisation, conversation=conversation.pk)
    return report


@transaction.atomic
def review_report(user, report):
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    if report.reviewed_at is not None:
        raise ActionRefused(_("This report was already reviewed."))
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.save(update_fields=["reviewed_at", "reviewed_by"])
    log(Action.CONVERSATION_REPORT_REVIEWED, actor=user, conversation=report.conversation_id, report=report.pk)
    return report
