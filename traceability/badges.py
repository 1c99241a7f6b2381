"""The two badges a project earns here, read by the rest of the product through these named functions.

- "traceable": the project has a public batch with at least one record;
- "live_data": the project has an active device that shows at least one measure publicly and reported in the
  last LIVE_WITHIN.

Cards and the project page call `project_badges(page)`; search indexes `search_trace_facts(page)` as the
"traceability" facet. Both read one cached map of the projects' translation keys (a card grid costs one cache
read, not a query per card); the actions here clear it and call `badges_changed` (search registers its debounced
reindex), and the daily maintenance job does the same for devices that fell silent or came back.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.providers import Hook

TRACEABLE = "traceable"
LIVE_DATA = "live_data"
BADGE_LABELS = {TRACEABLE: _("Traceable"), LIVE_DATA: _("Live data")}
LIVE_WITHIN = timedelta(hours=24)
CACHE_KEY = "traceability:badges:v1"
CACHE_SECONDS = 300

# Called with [project page ids] after a change that may move a project's badges (search refreshes its documents).
badges_changed = Hook("traceability.badges_changed")


def _compute():
    from traceability.models import Batch, Device

    traceable = set(
        Batch.objects.filter(is_public=True, entry_count__gt=0)
        .values_list("listing__project__translation_key", flat=True)
        .distinct()
    )
    live = set(
        Device.objects.filter(revoked_at__isnull=True, last_seen_at__gte=timezone.now() - LIVE_WITHIN)
        .exclude(public_measures=[])
        .values_list("listing__project__translation_key", flat=True)
        .distinct()
    )
    return {TRACEABLE: {str(key) for key in traceable}, LIVE_DATA: {str(key) for key in live}}


def badge_map(request=None):
    """{badge: {translation key as text}}, cached for CACHE_SECONDS (cleared by every change that moves it). With
    `request`, read once per request: a grid of 24 cards is one cache read, not 24 Redis round trips."""
    found = getattr(request, "_trace_badge_map", None)
    if found is not None:
        return found
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _compute()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    if request is not None:
        request._trace_badge_map = found
    return found


def badge_codes(page, request=None):
    """The badges of a project page (any of its translations), in display order."""
    key = str(getattr(page, "translation_key", ""))
    found = badge_map(request)
    return [code for code in (TRACEABLE, LIVE_DATA) if key in found[code]]


def project_badges(page, request=None):
    """[(code, label)] for a card or a project page."""
    return [(code, BADGE_LABELS[code]) for code in badge_codes(page, request)]


def search_trace_facts(page):
    """The values of search's "traceability" facet for a project page: a list of badge codes."""
    return badge_codes(page)


def search_trace_facts_many(pages):
    """{page id: search_trace_facts(page)} for many project pages, from one read of the cached map."""
    found = badge_map()
    return {
        page.pk: [code for code in (TRACEABLE, LIVE_DATA) if str(getattr(page, "translation_key", "")) in found[code]]
        for page in pages
    }


def announce_badges_changed(project_ids):
    """After the current transaction commits: forget the cached map and tell search which projects to refresh."""

    def announce():
        cache.delete(CACHE_KEY)
        badges_changed(sorted(set(project_ids)))

    transaction.on_commit(announce)


def refresh_live_badges():
    """Scheduled job: "live data" moves with time (a device falls silent, or comes back), so the documents of every
    project with a device are refreshed (a small set: one per pond or field that has sensors). Returns how many."""
    from traceability.models import Device

    cache.delete(CACHE_KEY)
    project_ids = sorted(set(Device.objects.values_list("listing__project_id", flat=True)))
    if project_ids:
        badges_changed(project_ids)
    return len(project_ids)
