"""Background work of the accounts app (django-tasks)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

# Kept a while after expiry so an organisation's owners can still see who was invited and did not answer.
KEEP_EXPIRED_INVITATIONS_FOR = timedelta(days=30)


@task()
def delete_expired_invitations():
    """Delete invitations that were never accepted and expired more than 30 days ago; returns how many."""
    from accounts.models import Invitation

    cutoff = timezone.now() - KEEP_EXPIRED_INVITATIONS_FOR
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
