"""The demo staff login printed by `make run` (never created outside the demo loader)."""

from accounts.models import User

DEMO_STAFF_EMAIL = "staff@homeward.test"
DEMO_STAFF_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)


def ensure_demo_staff():
    """Create the demo superuser once; a changed password is left as the person set it."""
    if User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
        return False
    user = User.objects.create_superuser(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, display_name="Homeward 編輯")
    _mark_email_verified(user)
    return True


def _mark_email_verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
