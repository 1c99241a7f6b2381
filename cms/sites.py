"""Which Wagtail site answers a request, looked up once per site generation rather than once per request.

Wagtail finds a request's site (`Site.find_for_request`, for every `{% pageurl %}` and `{% slugurl %}` with a
request) with a query of its own each request: a `CASE` over the hostname and port, whose compilation alone cost
a company's recommendations page about a tenth of its time (bench/load.py). Sites change rarely and only through
the admin, so the match for a hostname and port is a site-wide value (cms.page_cache.site_wide_value: a saved or
deleted Site moves the site generation, as do the site-wide changes that already move it), kept for
PAGE_CACHE_SECONDS. With the page cache off, or the cache down, Wagtail's own lookup answers as before.
"""

from cms import page_cache

_MISSING = "no-site"  # kept too: a hostname without a site (and no default) is asked about again and again


def remember_sites():
    """Make Wagtail's site lookup by hostname and port read the kept match (from CmsConfig.ready())."""
    from wagtail.models import sites

    wagtail_lookup = sites.get_site_for_hostname
    if getattr(wagtail_lookup, "remembered", False):
        return

    def site_or_missing(hostname, port):
        try:
            return wagtail_lookup(hostname, port)
        except sites.Site.DoesNotExist:
            return _MISSING

    def get_site_for_hostname(hostname, port):
        site = page_cache.site_wide_value(f"site-for-host:{hostname}:{port}", lambda: site_or_missing(hostname, port))
        if site == _MISSING:
            raise sites.Site.DoesNotExist()
        return site

    get_site_for_hostname.remembered = True
    get_site_for_hostname.__doc__ = wagtail_lookup.__doc__
    sites.get_site_for_hostname = get_site_for_hostname
