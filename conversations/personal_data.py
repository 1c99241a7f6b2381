"""A person's part of conversations (registered in apps.py): the messages they wrote and the reports they made.

Erasing removes what they wrote; the other side keeps the rest of the conversation.
"""

from conversations.models import ConversationReport, Message, ReadMarker


def export(user):
    return {
        "messages": [
            {
                "conversation": message.conversation_id,
                "project": message.conversation.title,
                "text": message.text,
                "sent": message.created.isoformat(),
            }
            for message in Message.objects.filter(author=user).select_related("conversation__interest__project")
        ],
        "reports": [
            {"conversation": report.conversation_id, "reason": report.reason, "reported": report.created.isoformat()}
            for report in ConversationReport.objects.filter(reporter=user)
        ],
    }


def erase(user):
    Message.objects.filter(author=user).delete()
    ReadMarker.objects.filter(user=user).delete()
    ConversationReport.objects.filter(reporter=user).update(reporter=None)
