"""What conversation pages read (nothing here changes anything): who takes part, a person's conversations with
their unread counts, messages after a marker, and a message as pages receive it."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from accounts.models import Membership
from accounts.privacy import public_name
from conversations.models import Conversation, Message, ReadMarker
from conversations.rendering import render_text
from core.languages import titles_in_language


def is_participant(user, conversation):
    if not (user and user.is_authenticated and user.is_active):
        return False
    if conversation.person_id and conversation.person_id == user.pk:
        return True
    return Membership.objects.filter(user=user, organisation_id__in=conversation.organisation_ids).exists()


def conversations_of(user):
    """The person's conversations with their unread counts (messages of others after their read marker)."""
    organisation_ids = Membership.objects.filter(user=user).values("organisation_id")
    marker = ReadMarker.objects.filter(conversation=OuterRef("conversation"), user=user).values("last_read_id")[:1]
    unread = (
        Message.objects.filter(conversation=OuterRef("pk"), pk__gt=Coalesce(Subquery(marker), 0))
        .exclude(author=user)
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Conversation.objects.filter(
            Q(company_id__in=organisation_ids) | Q(team_id__in=organisation_ids) | Q(person=user)
        )
        .select_related("company", "team", "person", "interest__project__locale")
        .annotate(unread=Coalesce(Subquery(unread), 0))
    )


def name_in_reader_language(conversations):
    """Give each conversation `shown_title` and `shown_title_lang`: an interest's project as the reader's language
    names it (its translation, else the original), a person's conversation the subject its opener wrote."""
    conversations = list(conversations)
    projects = [conversation.interest.project for conversation in conversations if conversation.interest_id]
    titles = titles_in_language(projects, get_language())
    for conversation in conversations:
        if conversation.interest_id:
            conversation.shown_title, conversation.shown_title_lang = titles[conversation.interest.project_id]
        else:
            conversation.shown_title, conversation.shown_title_lang = conversation.subject_title, ""
    return conversations


def unread_count(user, conversation):
    marker = ReadMarker.objects.filter(conversation=conversation, user=user).first()
    return conversation.messages.filter(pk__gt=marker.last_read_id if marker else 0).exclude(author=user).count()


def messages_after(conversation, after_id=0, limit=200):
    return list(conversation.messages.select_related("author").filter(pk__gt=after_id)[:limit])


def message_payload(message):
    """What pages receive for one message (over HTTP catch-up; the socket sends the same)."""
    return {
        "conversation_id": message.conversation_id,
        "id": message.pk,
        "author_id": message.author_id,
        "author_name": str(public_name(message.author)),
        "html": str(render_text(message.text)),
        "created": message.created.isoformat(),
    }
