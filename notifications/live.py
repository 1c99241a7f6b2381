"""The notification bell's live event (sent through core.live: after commit, never raising)."""

from dataclasses import dataclass, field

from core.live import LiveEvent


def user_group(user_id):
    return f"user.{user_id}"


@dataclass(frozen=True)
class NotificationsChanged(LiveEvent):
    user_id: int
    unread_count: int
    latest_title: str = ""
    latest_url: str = ""
    # The new notification for the page's toast: its id (the page links to where it is opened and marked read) and
    # its title in each of the site's languages, so a page read in another language than the person's profile
    # shows it in the page's.
    latest_id: int | None = None
    latest_titles: dict = field(default_factory=dict)

    name = "notifications.changed"

    @property
    def group(self):
        return user_group(self.user_id)
