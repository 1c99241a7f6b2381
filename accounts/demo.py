"""The demo staff login printed by `make run` (never created outside the demo loader).

Staff need two-factor authentication, so the demo staff account comes with an
authenticator whose secret is published here: `manage.py demo_totp_code`
prints the current code, or add the secret to any authenticator app.
"""

from accounts.models import User

DEMO_STAFF_EMAIL = "staff@homeward.test"
DEMO_STAFF_PASSWORD = "homeward-demo"  # noqa: S105 (printed by make run on purpose)
DEMO_STAFF_TOTP_SECRET = "HOMEWARDDEMOSTAFFTOTPKEY"  # noqa: S105 (a public demo secret, base32)


def ensure_demo_staff():
    """Create the demo superuser once, with its authenticator; a changed password is left as it is."""
    user = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD, display_name="Homeward 編輯")
        _mark_email_verified(user)
    # Review emails go to the Moderators (superusers are not written to twice: settings).
    from django.contrib.auth.models import Group

    from accounts.staff import MODERATORS

    user.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    _ensure_authenticator(user)
    return created


def demo_totp_code():
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(DEMO_STAFF_TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD))


def _ensure_authenticator(user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_STAFF_TOTP_SECRET)


def _mark_email_verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def ensure_demo_township_office(township, member, role=None):
    """The demo's one office for `township` (verified), with `member` in it: the people, experiences and plans demos
    all use this, so the site never shows the same township office twice."""
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role

    office, _made = Organisation.objects.get_or_create(
        slug=f"demo-office-{township.code}",
        defaults={
            "kind": Organisation.Kind.TOWNSHIP_OFFICE,
            "name": f"{township.name_zh}公所（示範）",
            "township": township,
            "county": township.county,
            "verified_at": timezone.now(),
        },
    )
    Membership.objects.get_or_create(user=member, organisation=office, defaults={"role": role or Role.ADMIN})
    return office
