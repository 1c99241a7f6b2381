"""How a person is named in public."""

from django.utils.translation import gettext as _


def public_name(user, anonymous=False):
    """The name shown publicly for `user`: never the email address; a neutral label when anonymous.

    Backers who chose to back anonymously, deleted accounts (user is None) and
    people without a display name all appear without anything that identifies them.
    """
    if anonymous:
        return _("Anonymous backer")
    if user is None:
        return _("Former member")
    name = (user.display_name or "").strip()
    return name or _("Homeward member")
