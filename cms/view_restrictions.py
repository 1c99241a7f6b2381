"""The private sections of the site (pages with a view restriction), read once per request.

Wagtail's `PageQuerySet.public()` reads every view restriction from the database each time it is called, and a
page calls it for each list it shows (the home page five times, a township page three). Within a request the
restricted sections are the same for every list, so `PublicOncePageQuerySet` reads them once: the first `.public()`
of a request makes the query, the others reuse its rows (the request's memo: cms.read_once). Outside a request
(tasks, the shell, management commands) nothing is kept and every call reads afresh, as in Wagtail.
"""

from django.db.models import Q
from wagtail.query import PageQuerySet

from cms.read_once import forget, read_once


def forget_restricted_sections(**kwargs):
    """A view restriction was set or removed (post_save, post_delete): the rest of this request reads them again."""
    forget("restricted sections")


def _restricted_section_roots():
    from wagtail.models import PageViewRestriction

    return read_once(
        "restricted sections",
        lambda: [restriction.page for restriction in PageViewRestriction.objects.select_related("page")],
    )


def any_private_section():
    """True when some page of the site has a view restriction (read once per request, as `.public()` reads them)."""
    return bool(_restricted_section_roots())


def in_private_section(page):
    """True when `page` is a restricted page or one of its descendants (what `.public()` leaves out)."""
    return any(page.path.startswith(root.path) for root in _restricted_section_roots())


class PublicOncePageQuerySet(PageQuerySet):
    def private_q(self):
        """Wagtail's private_q (a restricted page and its descendants), from the request's memo."""
        q = Q()
        for page in _restricted_section_roots():
            q |= self.descendant_of_q(page, inclusive=True)
        # Match no page when no section is private.
        return q if q else Q(pk__in=[])
