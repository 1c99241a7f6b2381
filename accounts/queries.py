"""Reads of accounts that other apps share."""

from django.contrib.auth import get_user_model

from accounts.models import Membership


def active_members(organisations):
    """The active people who are members of any of `organisations` (a queryset of organisations, or of their ids):
    whom an organisation's notices reach."""
    return get_user_model().objects.filter(
        is_active=True, pk__in=Membership.objects.filter(organisation__in=organisations).values("user")
    )
