# ruff: noqa: E501 -- each string exactly as Django and allauth write it, one literal per message
"""Django's and allauth's messages that people read on this site, listed so that our catalogs carry them (makemessages
finds them here): their Traditional Chinese addresses the reader as 你 (a password refused at sign-up, a picture that
is not an image, a refused form's CSRF page, a social sign-in whose email already has an account, the Django admin's
confirmations), where the site says 您 throughout. Our catalogs (LOCALE_PATHS) come before theirs, so these entries are
the ones used. Nothing imports this module at run time.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

UPSTREAM_STRINGS_ADDRESSING_THE_READER = [
    gettext_noop(
        "An account already exists with this email address. Please sign in to that account first, then connect your %s account."
    ),
    gettext_noop("View your basic profile information"),
    gettext_noop("View your user ID"),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related items will be deleted:'
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."
    ),
    gettext_noop(
        "Something’s wrong with your database installation. Make sure the appropriate database tables have been created, and make sure the database is readable by the appropriate user."
    ),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Your password has been set.  You may go ahead and log in now."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop(
        'If you are using the <meta name="referrer" content="no-referrer"> tag or including the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the “Referer” header to do strict referer checking. If you’re concerned about privacy, use alternatives like <a rel="noreferrer" …> for links to third-party sites.'
    ),
    gettext_noop(
        "If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests."
    ),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop(
        "You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties."
    ),
]
