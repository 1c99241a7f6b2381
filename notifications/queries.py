"""What notification pages read (nothing here changes anything)."""

from notifications.models import Notification


def unread_count(user):
    return Notification.objects.for_user(user).unread().count()
