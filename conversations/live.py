"""The conversation's live events (sent through core.live, after commit, never raising)."""

from dataclasses import dataclass

from core.live import LiveEvent


def conversation_group(conversation_id):
    return f"conversation.{conversation_id}"


@dataclass(frozen=True)
class MessagePosted(LiveEvent):
    conversation_id: int
    id: int
    author_id: int | None
    author_name: str
    html: str  # escaped, then linkified (conversations.rendering.render_text)
    created: str

    name = "conversation.message"

    @property
    def group(self):
        return conversation_group(self.conversation_id)


@dataclass(frozen=True)
class ReadMarkerMoved(LiveEvent):
    conversation_id: int
    user_id: int
    user_name: str
    last_read_id: int

    name = "conversation.read"

    @property
    def group(self):
        return conversation_group(self.conversation_id)
