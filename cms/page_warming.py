"""Warming the page cache: the pages a change made stale are rendered again by a worker, not by their next visitor.

A publish moves the generations of the page, of what its parent and the home pages list, and of the stories linking
it (cms.page_cache.pages_changed): every copy kept of those pages is stale, and the next anonymous visitor of each
page, in each language, met a render around the parts the change left kept, 2–5 times a plain page's. Those renders
are work that can be done at publish time: once the change commits, a task (cms.tasks.warm_pages) asks for each of
those pages, in every language it is live in, as an anonymous visitor would, through the same middleware and views,
and the page cache stores what they render. A visitor who comes after it meets a stored copy; one who comes before
meets the copy from just before the publish (cms.page_cache.serve_previous_until_replaced: for at most
PAGE_CACHE_REPLACING_SECONDS, when the publish alone made it stale), so the publish shows to anonymous visitors once
the worker stored it, well under a second later with a worker running, and no visitor meets the render.

A stored copy lives PAGE_CACHE_SECONDS (what other apps change without telling the cache shows within that), and its
first visitor after that met a render: every ten minutes for a page read all day. A copy read in the second half of
its lifetime now asks a worker to render it again (`refresh_soon`, once per copy), so a page read at least once in
each half of its lifetime (every five minutes with the default ten) is never rendered for a reader; a warm-up
renders the page's shared fragments afresh too, so nothing untold outlives the lifetime. A change every page shows
(the menus, a catalogue, an index page) is followed by a warm-up of the most read pages (`warm_most_read_soon`), a
row that township pages show (an enterprise, an experience) by one of its township's pages (`warm_township_soon`); a
new day (pages count the days a campaign has left: the day is in every key) starts with one (scheduling.jobs:
warm_pages_of_the_day), and a release (new templates or catalogues: every key changes) with `manage.py
warm_page_cache`, the most read first.

A page read less often than its lifetime still met a render: its copy had aged out. With the warm-up, such a copy
whose generations all stand (nothing the cache is told of changed) is served to its next reader while a worker
renders it again, up to PAGE_CACHE_STALE_SECONDS past its lifetime (cms.page_cache.kept_seconds): never when no worker
will render it (`refresh_soon` says whether one will), never for a list's later pages. The pages whose number does
not grow with the site (home, indexes, counties, the 1,104 township pages: cms.page_cache.kept_all_day) are all
rendered as the day starts, after the most read (`pages_of_the_day`, about a minute of a worker's time), and their
copies served so until the day ends: most township pages are read less often than once an hour.

A warming request is a visit that is not counted (cms.visit_counter): it carries WARMING in its environ, which no
HTTP header can set. Its page is asked for at the address of its Wagtail site (SITE_BASE_URL), so that absolute
links in it are the public ones.
"""

import datetime
import functools
import hashlib
import io
import logging
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Set in the WSGI environ of a warming request: keys without the HTTP_ prefix cannot come from a client.
WARMING = "homeward.page_cache.warming"
READ_DAYS = 14  # most_read_first: the reads of the last two weeks
WARM_BATCH = 200  # warm: pages read at a time
SITE_CHANGE_PAGES = 600  # warm_most_read_soon: as many as a new day starts with (scheduling.jobs)
SITE_CHANGE_DELAY = 10  # seconds
SITE_CHANGE_LOCK = "cms:page-warm-site"  # held for SITE_CHANGE_DELAY by the change that enqueued the warm-up
TOWNSHIP_CHANGE_DELAY = 5  # seconds: warm_township_soon
TOWNSHIP_CHANGE_LOCK = "cms:page-warm-township"  # and the township's id


def warming_enabled():
    from cms.page_cache import enabled

    return enabled() and getattr(settings, "PAGE_CACHE_WARMING", False)


def is_warming(request):
    return bool(request.META.get(WARMING))


def warm_after_change(pages, published=None):
    """These pages were published, unpublished, moved or deleted: once the change commits, a worker renders them
    again with the pages listing them (pages_to_warm), so that their next visitors meet stored copies. (A page every
    page shows, an index or a standard page in the menus, makes the whole site stale: cms.page_cache.bump has the
    most read pages follow.) `published`: after a publish, its bump (cms.page_cache.pages_changed with keep_before):
    until the worker is done, the copies stored just before the publish are served (serve_previous_until_replaced)."""
    if not warming_enabled():
        return
    places = places_to_warm(pages)
    if places:
        from cms.page_cache import serve_previous_until_replaced
        from cms.tasks import warm_pages

        def enqueue():
            if published is not None and warms_in_a_worker():
                serve_previous_until_replaced(dict(places), published)
            warm_pages.enqueue([page_id for page_id, _url_path in places])

        transaction.on_commit(enqueue)


def warm_most_read_soon():
    """Something every page shows changed (the menus, a catalogue's names, an index: cms.page_cache.bump of the
    site's generation): a worker renders the SITE_CHANGE_PAGES most read pages again, then the pages kept all day
    (pages_of_the_day), SITE_CHANGE_DELAY seconds from now, once for all the changes made meanwhile (an editor
    saving the menus three times starts one warm-up, which sees the last save)."""
    from cms.tasks import warm_pages_of_the_day

    _warm_later(SITE_CHANGE_LOCK, SITE_CHANGE_DELAY, warm_pages_of_the_day, SITE_CHANGE_PAGES)


def warm_township_soon(township_id, moved=None):
    """A row that township pages show changed (an enterprise, an organisation, a help request, an experience): the
    pages of the townships it shows on are stale (cms.page_cache.township_content_changed), and are rendered again
    TOWNSHIP_CHANGE_DELAY seconds from now, once for the edits meanwhile. `moved`: the change's bump with the tokens
    before it: until the worker is done, the copies stored just before the change are served, as after a publish
    (cms.page_cache.serve_previous_until_replaced)."""
    from cms.models import TownshipPage
    from cms.page_cache import serve_previous_until_replaced
    from cms.tasks import warm_pages

    @functools.cache  # read once, when the change commits, for the markers and the warm-up
    def township_pages():
        return sorted(TownshipPage.objects.live().filter(township_id=township_id).values_list("pk", "url_path"))

    def serve_previous():
        # Whether this change enqueues the warm-up or one enqueued for an edit just before it will see it.
        if warms_in_a_worker():
            serve_previous_until_replaced(dict(township_pages()), moved)

    if not township_id or not warming_enabled():
        return
    if moved is not None:
        transaction.on_commit(serve_previous)
    _warm_later(
        f"{TOWNSHIP_CHANGE_LOCK}:{township_id}",
        TOWNSHIP_CHANGE_DELAY,
        warm_pages,
        lambda: [page_id for page_id, _url_path in township_pages()],
    )


def _warm_later(lock, seconds, task, argument):
    """Enqueue `task(argument)` (`argument`: a value, or a function giving it once the change commits) to run
    `seconds` after this change commits, unless a change made in the last `seconds` did: that task runs after this
    change and sees it. Not with tasks run in the request, whose editor would wait for it."""
    from django.core.cache import cache

    if not warming_enabled() or not _in_a_worker(task) or not cache.add(lock, True, seconds):
        return
    run_after = timezone.now() + datetime.timedelta(seconds=seconds)

    def enqueue():
        value = argument() if callable(argument) else argument
        if value:
            task.using(run_after=run_after).enqueue(value)

    transaction.on_commit(enqueue)


def warms_in_a_worker():
    """Whether a worker, later, renders the pages for the cache (not the request that asks: the immediate backend)."""
    from cms.tasks import warm_pages

    return _in_a_worker(warm_pages)


def _in_a_worker(task):
    """Whether `task` runs in a worker, later, rather than in the request that enqueues it (the immediate backend,
    which cannot defer a task)."""
    return task.get_backend().supports_defer


_refresh_asked = {}  # (page id, because): until when this process has asked for its refresh (time.monotonic)


def refresh_soon(page_id, request, because=""):
    """A visitor was served a stored copy of this page in the second half of its lifetime (or past it): a worker
    renders it again, once whatever the visitors meanwhile. Returns whether a worker will: not for a page with a
    query string (a list's second page), which is left to age out, nor when tasks run in the request (the immediate
    backend: the visitor would wait for the render the refresh is there to spare them). `because`: what the copy
    is out of date by, when not its age (a new day, a change every page shows): a refresh asked for its age just
    before does not stand for this one."""
    from django.core.cache import cache

    from cms.page_cache import timeout
    from cms.tasks import warm_pages

    now = time.monotonic()
    if not page_id or request.GET or not warming_enabled():
        return False
    asked = (page_id, because)
    if _refresh_asked.get(asked, 0) > now:
        return True
    if not warms_in_a_worker():
        return False
    if len(_refresh_asked) > 10_000:
        _refresh_asked.clear()
    seconds = max(int(timeout() / 2), 1)
    _refresh_asked[asked] = now + seconds  # this process asks no more: the hits of the second half cost nothing
    lock = hashlib.sha256(because.encode()).hexdigest()[:16] if because else ""
    if cache.add(f"cms:page-refresh:{page_id}:{lock}", True, seconds):  # nor do other processes' hits
        warm_pages.enqueue([page_id])
    return True


def pages_to_warm(pages):
    """The ids of the live pages, in every language, whose stored copies a change of `pages` made stale and which are
    read most after it (places_to_warm)."""
    return [page_id for page_id, _url_path in places_to_warm(pages)]


def places_to_warm(pages):
    """(id, url_path) of the live pages, in every language, whose stored copies a change of `pages` made stale and which
    are read most after it: each page itself, the page listing it (a project's township page, a story's index, a
    township's county page) and, for a project or a story, the home pages and the township pages showing it. A
    change of anything else (menus, an index) makes every page stale: the pages themselves and the home pages are
    warmed, the rest at their next visit (or by `manage.py warm_page_cache`)."""
    from wagtail.models import Page

    from cms.models import StoryPage, TownshipPage
    from cms.page_cache import home_keys, parent_key, story_township_keys

    keys = []
    for page in pages:
        keys += [page.translation_key, parent_key(page)]
        specific_class = page.specific_class
        if specific_class is StoryPage:
            keys += story_township_keys(page)
        if specific_class is not TownshipPage:  # a township page shows on no home page
            keys += home_keys()
    order = {key: position for position, key in enumerate(dict.fromkeys(key for key in keys if key))}
    rows = Page.objects.live().filter(translation_key__in=list(order), depth__gt=1)
    rows = rows.values_list("pk", "url_path", "translation_key")
    return [(page_id, url_path) for page_id, url_path, key in sorted(rows, key=lambda row: (order[row[2]], row[0]))]


def pages_of_the_day(limit=None):
    """The ids of the pages a new day, a release or a change every page shows starts with: the `limit` most read
    (most_read_first), then every other live page whose copies are kept all day (pages_kept_all_day), so that a
    township page read twice a day meets both its readers with a stored copy."""
    first = most_read_first(limit)
    if limit is None:
        return first
    listed = set(first)
    return first + [page_id for page_id in pages_kept_all_day() if page_id not in listed]


def pages_kept_all_day():
    """The ids of the live pages (every language) whose stored copies are kept until the day ends
    (cms.page_cache.kept_all_day: home pages, indexes, counties, townships), the shallowest first."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, get_page_models

    kept = [model for model in get_page_models() if getattr(model, "kept_all_day", False)]
    if not kept:
        return []
    types = list(ContentType.objects.get_for_models(*kept).values())
    pages = Page.objects.live().filter(depth__gt=1, content_type__in=types).order_by("depth", "path")
    return list(pages.values_list("pk", flat=True))


def most_read_first(limit=None):
    """The ids of the live pages (every language), the most read of the last READ_DAYS days first, then the
    shallowest (home, indexes, townships before projects)."""
    from django.db.models import OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce
    from wagtail.models import Page

    from cms.models import PageVisitDay

    since = timezone.localdate() - datetime.timedelta(days=READ_DAYS)
    visits = (
        PageVisitDay.objects.filter(translation_key=OuterRef("translation_key"), day__gte=since)
        .values("translation_key")
        .annotate(total=Sum("visits"))
        .values("total")
    )
    pages = (
        Page.objects.live()
        .filter(depth__gt=1)
        .annotate(read=Coalesce(Subquery(visits), 0))
        .order_by("-read", "depth", "path")
        .values_list("pk", flat=True)
    )
    return list(pages[:limit] if limit else pages)


@dataclass
class WarmingReport:
    """What a warm-up did: pages asked for, by how the page cache served them, and the time it took."""

    pages: int = 0
    served: dict = field(default_factory=dict)  # X-Page-Cache (miss: rendered and stored; hit: already current)
    failed: list = field(default_factory=list)  # (URL, status) of the pages that did not answer 200
    seconds: float = 0.0

    def add(self, url, response):
        self.pages += 1
        state = response.get("X-Page-Cache") or "not stored"
        self.served[state] = self.served.get(state, 0) + 1
        if response.status_code != 200:
            self.failed.append((url, response.status_code))

    def summary(self):
        served = ", ".join(f"{count} {state}" for state, count in sorted(self.served.items()))
        rate = self.pages / self.seconds if self.seconds else 0.0
        return f"{self.pages} pages in {self.seconds:.1f} s ({rate:.1f} pages/s): {served or 'none'}"


def warm(page_ids, progress=None):
    """Ask for each of these live pages as an anonymous visitor (in its own language, at its site's address); the
    page cache stores what is rendered. Returns a WarmingReport. `progress(done)` is called after each page. The
    pages are read WARM_BATCH at a time, so a whole site's warm-up holds a batch in memory, not the site."""
    report = WarmingReport()
    started = time.perf_counter()
    handler = _handler()
    with translation.override(translation.get_language()):  # the handler activates each page's language
        for done, page in enumerate(_live_pages(page_ids), 1):
            url = page.full_url if page is not None else None
            if url:
                try:
                    report.add(url, handler.get_response(_request_for(url)))
                except Exception:  # a page that cannot render is the next visitor's to meet, not the warm-up's end
                    logger.exception("page cache: warming %s failed", url)
                    report.failed.append((url, None))
            if progress is not None:
                progress(done)
    report.seconds = time.perf_counter() - started
    return report


def _live_pages(page_ids):
    """Each of these pages in turn (None for one not live), read WARM_BATCH at a time."""
    from wagtail.models import Page

    for start in range(0, len(page_ids), WARM_BATCH):
        batch = page_ids[start : start + WARM_BATCH]
        pages = Page.objects.live().in_bulk(batch)
        yield from (pages.get(page_id) for page_id in batch)


_loaded_handler = None


def _handler():
    """Django's request handler with the project's middleware, loaded once per process (it keeps no request)."""
    global _loaded_handler
    if _loaded_handler is None:
        from django.core.handlers.base import BaseHandler

        handler = BaseHandler()
        handler.load_middleware()
        _loaded_handler = handler
    return _loaded_handler


def _request_for(url):
    from django.core.handlers.wsgi import WSGIRequest

    address = urlsplit(url)
    secure = address.scheme == "https"
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        # WSGI carries the path as UTF-8 bytes read as Latin-1.
        "PATH_INFO": unquote(address.path or "/").encode().decode("iso-8859-1"),
        "QUERY_STRING": "",
        "SERVER_NAME": address.hostname or "localhost",
        "SERVER_PORT": str(address.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": address.netloc,
        "HTTP_ACCEPT": "text/html",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": address.scheme or "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        WARMING: True,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if secure and proxy_header:  # behind the proxy, a request is secure when the proxy says so
        environ[proxy_header[0]] = proxy_header[1]
    return WSGIRequest(environ)
