"""The figures the page, the downloads and the admin read, cached until the data they come from changes.

The cache key holds a version of the sources: the newest ledger entry, interest, interest event, project
page publication and enterprise profile row (a few aggregate queries on indexed columns). Any new ledger entry,
a stage change or a new commitment, a (re)publication or unpublication, a new enterprise changes the version,
so a stale figure is never served; an edit that changes none of them (e.g. an enterprise's returned-home
count edited in place, a view restriction added) is picked up when the entry expires (``CACHE_SECONDS``).
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Q

from impact.measures import figures

CACHE_SECONDS = 300


def data_version():
    from cms.models import ProjectPage
    from marketplace.models import EnterpriseProfile, Interest, InterestEvent
    from marketplace.payments.models import LedgerEntry

    ledger = LedgerEntry.objects.aggregate(last=Max("id"), count=Count("id"))
    parts = [
        ledger["last"],
        ledger["count"],
        Interest.objects.aggregate(last=Max("updated"), count=Count("id")),
        InterestEvent.objects.aggregate(last=Max("id")),
        ProjectPage.objects.aggregate(published=Max("last_published_at"), live=Count("id", filter=Q(live=True))),
        EnterpriseProfile.objects.aggregate(last=Max("id"), count=Count("id")),
    ]
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def cached_figures(filters):
    digest = hashlib.sha1(repr(filters).encode(), usedforsecurity=False).hexdigest()[:16]
    key = f"impact:figures:{data_version()}:{digest}"
    data = cache.get(key)
    if data is None:
        data = figures(filters)
        cache.set(key, data, CACHE_SECONDS)
    return data
