"""The notification bell's live event (sent through core.live: after commit, never raising)."""

from dataclasses import dataclass

from core.live import LiveEvent


def user_group(user_id):
    return f"user.{user_id}"


@dataclass(frozen=True)
class NotificationsChanged(LiveEvent):
    user_id: int
    unread_count: int
    latest_title: str = ""
    latest_url: str = ""

    name = "notifications.changed"

    @property
    def group(self):
        return user_group(self.user_id)
