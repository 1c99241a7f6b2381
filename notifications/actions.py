"""Changing notifications: each function is one action, the same from a view, a task or a script."""

from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_noop

from core.live import send_after_commit
from notifications.live import NotificationsChanged
from notifications.messages import Message
from notifications.models import Notification
from notifications.queries import unread_count

# kind → the profile choice (accounts.User) that decides whether it is also emailed.
# Kinds not listed (decisions about a person's own submission, failed payments) are always emailed.
EMAIL_CHOICE_FOR_KIND = {
    Notification.Kind.PROJECT_UPDATE: "notify_project_updates",
    Notification.Kind.MATCHING_PROJECT: "notify_recommendations",
    Notification.Kind.NEW_INTEREST: "notify_messages",
    Notification.Kind.NEW_QUESTION: "notify_messages",
    Notification.Kind.CONVERSATION_REPLY: "notify_messages",
    Notification.Kind.TRACE_ALERT_BACKER: "notify_project_updates",
    Notification.Kind.HELP_OFFER: "notify_messages",
    Notification.Kind.FOLLOWED_REQUEST: "notify_recommendations",
}


def wants_email(recipient, kind):
    """Whether this person gets `kind` by email too, by their notification choices."""
    if not (recipient.is_active and recipient.email):
        return False
    choice = EMAIL_CHOICE_FOR_KIND.get(kind)
    return choice is None or getattr(recipient, choice)


@contextmanager
def in_language_of(person):
    """What is said to `person` inside (a notification's title and body) is in their profile's language, whatever
    the language of the request or task that causes it. Every caller of `notify` wraps it in this."""
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        yield


TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


@transaction.atomic
def notify(recipient, kind, title, body="", url="", email=True):
    """Store a notification, push the new unread count live, and email it if the person wants that.

    Write `title` and `body` in the recipient's language: call inside `with in_language_of(recipient):`. Give them as
    a `notifications.messages.Message` (source text and parameters) and they are also read again in the language
    the person reads in later, after a change of language; a plain text stays as it was written.

    email=False when another part already emails the same news (Wagtail's workflow emails, for one).
    """
    # A title made from people's text (a project's, a question's) may be longer than the column: shorten it rather
    # than lose the action that notifies (an expressed interest, an answer).
    title_message = title.as_data() if isinstance(title, Message) else {}
    body_message = body.as_data() if isinstance(body, Message) else {}
    title = Truncator(str(title)).chars(TITLE_MAX_LENGTH)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title,
        body=str(body),
        url=url,
        title_message=title_message,
        body_message=body_message,
    )
    _announce(recipient, latest=notification)
    if email and wants_email(recipient, kind):
        from notifications.tasks import email_notification

        transaction.on_commit(lambda: email_notification.enqueue(notification.pk))
    return notification


def tell_team_of_staff_action(organisation, *, title, what, reason, url):
    """Tell every active member of `organisation`, each in their language, what staff did to one of its records
    (`title` and `what`, Messages) and the reason staff gave (their own words, shown as written). `url()` gives the
    record's page for the team, called in each member's language (the address carries it)."""
    from accounts.queries import active_members

    body = Message.joined(what, Message(gettext_noop("The reason our staff gave: %(reason)s"), reason=reason))
    for member in active_members([organisation.pk]):
        with in_language_of(member):
            notify(member, Notification.Kind.STAFF_ACTION, title, body, url=url())


@transaction.atomic
def mark_read(user, notification_ids):
    changed = (
        Notification.objects.for_user(user).unread().filter(pk__in=notification_ids).update(read_at=timezone.now())
    )
    if changed:
        _announce(user)
    return changed


@transaction.atomic
def mark_all_read(user):
    changed = Notification.objects.for_user(user).unread().update(read_at=timezone.now())
    if changed:
        _announce(user)
    return changed


def _announce(user, latest=None):
    latest_titles, latest_rows = _in_every_language(latest) if latest else ({}, {})
    send_after_commit(
        NotificationsChanged(
            user_id=user.pk,
            unread_count=unread_count(user),
            latest_title=_title_for_recipient(latest) if latest else "",
            latest_url=latest.url if latest else "",
            latest_id=latest.pk if latest else None,
            latest_titles=latest_titles,
            latest_rows=latest_rows,
            latest_created_at=latest.created_at.isoformat() if latest else "",
        )
    )


def _in_every_language(notification):
    """({language code: the title as read in it}, {language code: the body, the kind and the time of its row as the
    notifications page shows them in that language}), one pass over the site's languages (times in the site's time
    zone, which the page uses too)."""
    titles, rows = {}, {}
    created = timezone.localtime(notification.created_at)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            titles[language] = notification.shown_title
            rows[language] = {
                "body": notification.body_excerpt,
                "kind": str(notification.get_kind_display()),
                "time": formats.date_format(created, "SHORT_DATETIME_FORMAT"),
            }
    return titles, rows


def _title_for_recipient(notification):
    """The toast's title in the recipient's language, whatever language the request or task that made it was in
    (the stored title when it was written in one language only, or the catalog no longer knows it)."""
    with in_language_of(notification.recipient):
        return notification.shown_title
