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
    # The rest of its row on the notifications page, so the page adds it at the top of the list as the server
    # renders it: {language code: {"body", "kind", "time"}}, the time as the page formats it, and the ISO instant.
    latest_rows: dict = field(default_factory=dict)
    latest_created_at: str = ""

    name = "notifications.changed"

    @property
    def group(self):
        return user_group(self.user_id)
