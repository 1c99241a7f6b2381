from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """`unread_notifications_count` for the header bell; one query, only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from notifications.queries import unread_count

        return unread_count(user)

    return {"unread_notifications_count": SimpleLazyObject(count)}
