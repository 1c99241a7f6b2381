"""Wagtail's review emails about pages, listed so that our catalogs carry them (makemessages finds them here).

Wagtail 8.0.1's Japanese catalog has none of these and its Traditional Chinese one mixes 核准 and 核準; Django
falls back to the default language's catalog for a missing string, so a Japanese moderator was written to in
Chinese. Our catalogs (LOCALE_PATHS) come before Wagtail's, so the entries for these strings are the ones used.
Nothing imports this module at run time.
"""

from django.utils.translation import gettext_noop

WAGTAIL_REVIEW_EMAIL_STRINGS = [
    gettext_noop('The following comment was left: "%(comment)s"'),
    gettext_noop('The page "%(title)s" has been approved in "%(task)s".'),
    gettext_noop('The page "%(title)s" has been approved in "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been approved in moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been approved in workflow "%(workflow)s".'),
    gettext_noop(
        'The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s" by %(rejector)s.'
    ),
    gettext_noop('The page "%(title)s" has been rejected during "%(task)s" in workflow "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been rejected during "%(task)s".'),
    gettext_noop('The page "%(title)s" has been rejected during "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been rejected in moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been submitted for approval in moderation stage "%(task)s"'),
    gettext_noop('The page "%(title)s" has been submitted for approval to moderation stage "%(task)s".'),
    gettext_noop('The page "%(title)s" has been submitted for moderation to workflow "%(workflow)s".'),
    gettext_noop('The page "%(title)s" has been submitted to workflow "%(workflow)s"'),
    gettext_noop('The page "%(title)s" has been submitted for moderation to workflow "%(workflow)s" by %(requester)s.'),
]
