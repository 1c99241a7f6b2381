"""Which Wagtail site answers a request, looked up once per site generation rather than once per request.

Wagtail finds a request's site (`Site.find_for_request`, for every `{% pageurl %}` and `{% slugurl %}` with a
request) with a query of its own each request: a `CASE` over the hostname and port, whose compilation alone cost
a company's recommendations page about a tenth of its time (bench/load.py). Sites change rarely and only through
the admin, so the match for a hostname and port is kept under the site generation (cms.page_cache: a saved or
deleted Site moves it, as do the site-wide changes that already move it) for PAGE_CACHE_SECONDS. With the page cache
off, or the cache down, Wagtail's own lookup answers as before.
"""

import hashlib

from django.core.cache import cache

from cms import page_cache

_MISSING = "no-site"


def remember_sites():
    """Make Wagtail's site lookup by hostname and port read the kept match (from CmsConfig.ready())."""
    from wagtail.models import sites

    wagtail_lookup = sites.get_site_for_hostname
    if getattr(wagtail_lookup, "remembered", False):
        return

    def get_site_for_hostname(hostname, port):
        if not page_cache.enabled():
            return wagtail_lookup(hostname, port)
        generation = page_cache.current_generation(page_cache.GLOBAL)
        digest = hashlib.sha256(f"{hostname}:{port}".encode()).hexdigest()[:32]
        key = f"cms:site-for-host:{generation}:{digest}"
        site = cache.get(key)
        if site is None:
            try:
                site = wagtail_lookup(hostname, port)
            except sites.Site.DoesNotExist:
                site = _MISSING
            cache.set(key, site, page_cache.timeout())
        if site == _MISSING:
            raise sites.Site.DoesNotExist()
        return site

    get_site_for_hostname.remembered = True
    get_site_for_hostname.__doc__ = wagtail_lookup.__doc__
    sites.get_site_for_hostname = get_site_for_hostname
