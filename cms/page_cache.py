"""Anonymous page cache: a public CMS page is rendered once per language and served from the cache until something
it shows changes.

What is cached: the response of a Wagtail page served to a visitor who is not signed in, for GET, status 200, when
the render set no cookie, did not touch the session, the page has no view restriction (a password form) and the
visitor has no flash message waiting. Everything else renders as before. A form that posts (the donation form)
carries the visitor's CSRF token: the stored copy keeps a hole where each `{% csrf_token %}` value was, and a hit
fills it with the visitor's own token (Django's CSRF middleware then sets their cookie as on a render). A page
whose token appears anywhere else is not stored. The signed-in header (bell, account menu)
is never in a cached page, and the live parts of a cached page (funding progress over JSON and the websocket) are
filled in by the browser as on any render.

The key is the URL (path and the query strings that pages read: `page`, `tag`, `county`) with the active language,
so languages never mix, and the local day (cards count a campaign's days left). An entry remembers the
*generations* current when its render began: two per translation group (`translation_key`: every language version
of a page shares it), one for its content and one for the money it shows (`money_of`: its own progress, its cards'
and figures'), one for the whole site, one for what the home pages show of all projects, one for what township
pages show from other apps. A generation is a random token, replaced on a change (`bump`); a hit needs every token
still the same, so an entry is stale the moment any of its generations moves, and a generation missing from Redis
(evicted) is a miss, never a stale hit. A hit costs two cache round trips and no database query.

Invalidation is precise and explicit (`pages_changed`, `project_money_changed`, `site_changed`), called from the
publish, unpublish, move and delete signals (cms.signal_handlers), from the snippets and settings every page shows,
and by payments after a payment commits:

- a project: itself, its township page's lists (`lists_of`: its card; the township's head and sections stay
  kept), the home pages (featured card, map dots, figures) and the stories that link it; a move also the lists of
  the page it left;
- a payment (`project_money_changed`): the money of the project's cards, of its page's funding panel and of the
  home figures, wherever they are shown (holes, below): every page stays kept, its holes filled again; a place
  taken in a capped plan (`project_places_changed`) moves the same;
- a story: itself, the story index's lists, the home pages and the lists of the township pages of its township;
- a township page: itself, its county page, the township index and its projects (their breadcrumbs);
- anything else (home, indexes, county, standard pages: menus and breadcrumbs everywhere): the whole site;
- an enterprise, help request, experience, slot or organisation (`township_content_changed`, from the saves and
  deletes of the models that cms.township_sections follows): the pages of the townships it shows on (and of those
  it left; an organisation's: its own, its enterprise's, experiences' and help requests', a county government's
  county's); an import of official figures: every township page;
- a project's listing, campaign, plans or team (`follow_project_card_changes`, from marketplace's saves and
  deletes): the project itself and the money of the pages showing its card (`project_card_changed`);
- what a page shows of its own without a publish: a project's updates, milestones, questions and answers, and a
  moderator hiding one (`follow_page_content_changes`, from the saves and deletes of the apps owning them): the
  page itself (`page_content_changed`).

Values of pages (`values_of_pages`): what a page of search hits shows of each project and story (its version in the
reader's language, its card's facts and picture) is the same whatever query found it, so it is kept per page and
language under the generations of that page, and a search page reads it without the queries behind it. A company's
recommendations show the same kept project cards (marketplace.presentation.kept_project_cards). Pages listing cards
keep each card's HTML the same way (`{% project_card_list %}`, `{% story_cards %}`: cms_tags.kept_cards), so a list
shown again after one project was published renders that one card (a payment moves only its money's hole).

Shared fragments (`shared_fragment`, the `{% shared_fragment %}` tag): the parts of a CMS page that every visitor
sees alike (the home page below its header, a township's head, project cards, stories and the sections other apps
add, the story index's list) are kept under the same generations, for everyone, signed in or not: a signed-in
reader's page is rendered for them (their header, their bell) around parts taken from the cache, and the queries
behind those parts are not made (the pages hand such data to their templates lazily). A part that shows no money
says so (`shows_no_money`: a township's head, its stories and the sections other apps add; the home page's hero,
map and stories); a part showing cards or figures has their money in holes (below), so a payment leaves both kinds
kept. A project page keeps its head, introduction and story; its funding panel (a form with the visitor's token,
their companies for an investment ask) is rendered for each visitor around its progress and plans, which are holes.

Holes (`hole`, `fill_holes`): the money a page shows (each project card's progress, backers and NT$ raised, the home
page's figures, a project's progress and plans in its funding panel) is not in the page, its fragments or its kept
cards but a hole each, an HTML comment naming the part and the generations it is kept under (the project's content
and money, the plans also a clock: `clock`; the site's money). The middleware fills the holes of every response as
it leaves, from the parts kept in the cache (one round trip), and renders the parts missing or stale (their kind's
renderer, registered by the app that owns it: marketplace for a card's money, payments for the panel's parts). A
stored page keeps its copy with the holes beside the filled copy it serves: after a payment, a hit finds a hole's
generation moved and fills the holes again (`X-Page-Cache: refilled`) instead of rendering the page, so a payment
costs each page showing the project one card's money (or its panel's parts) and the figures. A part that shows
money outside holes (`shows_money`) is kept only when its holes will be filled (`holes_allowed`).

A part that changes by itself at a known moment (a township's next slot starting, a help request's last day ending)
is kept no longer than that, and a stored page showing it is stale from then. What other apps add to a page without
passing here ages out after PAGE_CACHE_SECONDS (the township sections follow their own changes:
cms.township_sections). The key carries the release (compiled translations and templates), so a new catalogue or
template never meets an old page. A Redis outage degrades to rendering: the cache is core.cache.ResilientRedisCache,
whose failures fall back to this process's memory.

Workers render pages for the cache (cms.page_warming): those a publish made stale, once it commits, and a copy read
in the second half of its lifetime (`refresh_soon`), so that readers meet stored copies rather than renders. With
them, a copy past its lifetime whose generations all stand is served once more (`X-Page-Cache: stale`) while a
worker renders it again, for at most PAGE_CACHE_STALE_SECONDS after its lifetime (`kept_seconds`): what the cache is
told of always shows at once; what changes without telling it shows within that bound at worst. The one exception is
a publish (and a change of what a township's pages show from other apps: a help request, an experience): until the
worker has stored the new copies of the pages it renders again, for at most PAGE_CACHE_REPLACING_SECONDS, a copy
stored just before the change is served (`X-Page-Cache: previous`, `serve_previous_until_replaced`), as a CDN's
soft purge does, when that change alone made it stale; an unpublish, a move, a delete, a new slug or any other
change since makes it a miss as ever. A change every page shows (the menus, a publish of a page in them, official
figures on every township page) has workers render the most read pages and those kept all day, and a copy from
before it is served meanwhile, for at most PAGE_CACHE_SECONDS (`serve_previous_everywhere`; never after a view
restriction or a change of a site); so is yesterday's copy in the first PAGE_CACHE_SECONDS of a day, while workers
render the new day's pages (`_yesterdays_copy`), with its money filled again for the day.

The pages whose number does not grow with the site (home, indexes, counties, townships: `kept_all_day`) keep their
copies and shared fragments until the day ends, past the stale bound, and workers render them all as it starts
(cms.page_warming.pages_of_the_day): a township page read twice a day meets both readers with a stored copy, and
what changes untold shows to one reader at worst, the one whose visit has it rendered again.
"""

import datetime
import gzip
import hashlib
import logging
import re
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.middleware.gzip import re_accepts_gzip as ACCEPTS_GZIP
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from cms.page_warming import is_warming, refresh_soon, warm_most_read_soon, warming_enabled, warms_in_a_worker

logger = logging.getLogger(__name__)

GLOBAL = "site"
HOME = "home-figures"
# A page's money (funding progress, raised and backers on it or on the cards it lists) has a generation of its own
# beside its content's: a payment moves only that one, so the parts of a page that show no money stay kept.
MONEY_PREFIX = "money:"
LISTS_PREFIX = "lists:"
# Moves on whenever any page is published, unpublished, moved, deleted or retranslated. No page depends on it: it
# dates what project_money_changed remembers about which pages show a project's money.
PAGE_TREE = "page-tree"
# What township pages show from other apps: enterprises, organisations, help requests, experiences.
TOWNSHIP_CONTENT = "township-content"
# What a search page shows: moves on after every write to a search index, every change of synonyms, and with the
# pages whose hits it shows (published, translated, paid).
SEARCH_RESULTS = "search-results"
# The money of every project at once (the home pages' figures): every payment moves it.
SITE_MONEY = "site-money"
# What every page (every township page) shows: a bump of one has workers render the pages of the day again, and
# the copies from before it served meanwhile (serve_previous_everywhere), with the generations moved beside it.
EVERYWHERE = frozenset({GLOBAL, TOWNSHIP_CONTENT})
FOLLOWING_EVERYWHERE = frozenset({PAGE_TREE, SEARCH_RESULTS})
CACHED_QUERY_PARAMETERS = frozenset({"page", "tag", "county"})
MAX_QUERY_LENGTH = 200
KEPT_HEADERS = ("Content-Type", "Content-Language")
REQUEST_ATTRIBUTE = "_homeward_page_cache"
FRAGMENT_ATTRIBUTE = "_homeward_page_generations"
PREFETCHED_ATTRIBUTE = "_homeward_prefetched_fragments"
# The earliest moment a part of the page being rendered changes by itself (a shared fragment's valid_until).
UNTIL_ATTRIBUTE = "_homeward_page_until"
# Set on every request that passes the middleware, whose response has its holes filled (fill_response).
HOLES_ATTRIBUTE = "_homeward_fills_holes"
HOLE_START = b"<!--homeward-hole:"
WITH_HOLES = ":with-holes"  # beside a stored page's key: its copy with the holes, to fill again
# A hole: what kind of part, its argument, and the generations it is kept under. An HTML comment, so that a hole
# left unfilled by mistake shows nothing rather than a code.
HOLE = re.compile(rb"<!--homeward-hole:([a-z-]{1,40}):([0-9]{0,20})\|([a-z0-9:,-]{0,1000})-->")
# Where a stored page had the visitor's CSRF token: what `{% csrf_token %}` writes, and the hole it leaves.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{%d})"' % CSRF_TOKEN_LENGTH)
TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
CSRF_HOLE = b"homeward-page-cache-csrf-token-hole"


def enabled():
    return getattr(settings, "PAGE_CACHE_ENABLED", False)


def timeout():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


_release = None


def release():
    """A short fingerprint of what a deploy changes under the same URLs: compiled catalogues and templates (size and
    modification time of each), computed once per process."""
    global _release
    if _release is None:
        root = Path(settings.BASE_DIR)
        digest = hashlib.sha256(getattr(settings, "PAGE_CACHE_RELEASE", "").encode())
        for pattern in ("locale/*/LC_MESSAGES/*.mo", "*/templates/**/*.html"):
            for path in sorted(root.glob(pattern)):
                if ".venv" in path.parts or "node_modules" in path.parts:
                    continue
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _release = digest.hexdigest()[:12]
    return _release


def _generation_key(name):
    return f"cms:page-gen:{name}"


GENERATIONS_READ = "page cache generations"


def _read_generations(keys):
    """{generation key: token} of those of `keys` that are set, each read from the cache at most once per request
    (cms.read_once): a render is a snapshot of the generations it first read. A value kept under a token read
    earlier in the request is at worst a miss for the next request, never a stale value; a bump made during the
    request is read again (bump forgets it)."""
    return _read_generations_with(keys)[0]


def _read_generations_with(keys, also=()):
    """(_read_generations(keys), {key: value} of the cache keys `also` that are set), in one cache round trip."""
    from cms.read_once import request_memo

    memo = request_memo()
    read = memo.setdefault(GENERATIONS_READ, {}) if memo is not None else {}
    unread = [key for key in dict.fromkeys(keys) if key not in read]
    found = cache.get_many([*unread, *also]) if unread or also else {}
    read.update({key: found[key] for key in unread if key in found})
    return {key: read[key] for key in keys if key in read}, {key: found[key] for key in also if key in found}


def _token_now(name, read):
    """The current token of generation `name`: a clock's from the clock, another's from `read` (_read_generations)."""
    return _clock_token(name) if name.startswith(CLOCK_PREFIX) else read.get(_generation_key(name))


def _forget_generations(keys):
    from cms.read_once import request_memo

    memo = request_memo()
    if memo is not None and GENERATIONS_READ in memo:
        for key in keys:
            memo[GENERATIONS_READ].pop(key, None)


def _entry_key(request, day=None):
    """The key of the stored copy of the page `request` asks for, on the local day `day` (default today)."""
    query = request.META.get("QUERY_STRING", "")
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"cms:page:{release()}:{day or _today()}:{get_language()}:{digest}"


def _today():
    """Part of every key: pages count days (a campaign's days left), so nothing kept outlives the local day."""
    return timezone.localdate().isoformat()


def seconds_since_midnight():
    """Seconds since the local day began (_yesterdays_copy)."""
    now = timezone.localtime()
    return int((now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds())


def _yesterday_while_the_day_turns(request):
    """Yesterday's date (as the keys hold it) in the first moments of a day (day_turn_seconds), when its copies may
    be served for `request` while workers render the new day's; else None (and always in a warm-up)."""
    if is_warming(request) or seconds_since_midnight() >= day_turn_seconds():
        return None
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def _yesterdays_copy(request):
    """(key, entry) of yesterday's stored copy of the page `request` asks for, in the first moments of a day, or
    (None, None). Every key holds the day, so as a day starts no page has a copy: workers render the pages of the
    day (cms.page_warming.pages_of_the_day) and, meanwhile, a reader is served yesterday's copy rather than a render
    (cached_response), its money filled again for the new day (its holes: a campaign's days left)."""
    yesterday = None if request.GET else _yesterday_while_the_day_turns(request)
    if yesterday is None:
        return None, None
    key = _entry_key(request, day=yesterday)
    entry = cache.get(key)
    return (key, entry) if entry else (None, None)


def day_turn_seconds():
    """For how long after midnight yesterday's copies are served while workers render the new day's (the page
    cache's lifetime; 0 without workers)."""
    return timeout() if warming_enabled() else 0


# --- reading -------------------------------------------------------------------------------------------------------


def _reads_only(request, query_parameters):
    """Whether the request's query string is short and holds only `query_parameters` (None: any): a copy kept under
    its URL then serves everyone who asks for the same thing."""
    if not request.GET:
        return True
    return len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH and (
        query_parameters is None or set(request.GET).issubset(query_parameters)
    )


def request_is_cacheable(request, query_parameters=CACHED_QUERY_PARAMETERS):
    """Whether this request may be served from (and stored in) the cache: an anonymous GET or HEAD, no message
    waiting, only query parameters that the view reads (pages: CACHED_QUERY_PARAMETERS; None: any). Costs no query
    for a visitor without a session cookie."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if "messages" in request.COOKIES:  # django.contrib.messages' cookie storage: a message waits
        return False
    if not _reads_only(request, query_parameters):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return False
        session = getattr(request, "session", None)
        if session is not None and session.get("_messages"):
            return False
    return True


def cached_response(request):
    """The cached page for this request, or None. A hit counts the page read like a render does."""
    key = _entry_key(request)
    entry = cache.get(key)
    yesterdays = False
    if not entry:
        key, entry = _yesterdays_copy(request)
        if not entry:
            return None
        yesterdays = True
    names = list(entry["generations"])
    holes = entry.get("holes", {})
    kept = [name for name in holes if not name.startswith(CLOCK_PREFIX)]
    replacing_key = _replacing_key(entry.get("page_id"))
    current, found = _read_generations_with(
        [_generation_key(name) for name in (*names, *kept)],
        also=[SITE_REPLACING_KEY, *([replacing_key] if replacing_key else [])],
    )
    page_replaced = _replaced_by_change(entry, found.get(replacing_key))
    replaced = {**_replaced_everywhere(found.get(SITE_REPLACING_KEY)), **page_replaced}
    moved = {name: token for name, token in entry["generations"].items() if current.get(_generation_key(name)) != token}
    if moved and (is_warming(request) or not _moved_by(replaced, moved, current)):
        return None
    now = time.time()
    age = now - entry["stored_at"]
    if age > kept_seconds(entry.get("all_day", False)):
        return None  # the cache keeps it no longer (its expiry, read by another process's clock)
    # Past its lifetime, or past the moment a part of it changes by itself (a township's next slot starts).
    stale = age > timeout() or now > entry.get("until", now)
    if yesterdays or (moved and not _moved_by(page_replaced, moved, current)):
        # Yesterday's copy, or one from before a change every page shows: served while a worker renders the page
        # (the warm-up of the day or of the change, or, for a page it leaves out, this page's own refresh).
        if not refresh_soon(entry.get("page_id"), request, because=_today() if yesterdays else _change_of(moved)):
            return None
    elif (age > timeout() / 2 or stale) and not moved:  # a worker renders it again before a reader must
        if is_warming(request):
            return None  # the warm-up renders it again
        if not refresh_soon(entry.get("page_id"), request) and stale:
            return None  # past its lifetime, and no worker will render it: this reader does
    state = "previous" if moved or yesterdays else "stale" if stale else "hit"
    holes_moved = {name: token for name, token in holes.items() if _token_now(name, current) != token}
    if moved and _moved_by(replaced, holes_moved, current):
        holes_moved = {}  # moved by the publish alone (a card's content): they show what the copy showed
    if holes_moved or (yesterdays and holes):
        # A payment moved a hole's part (a card's money, the figures), or the day turned (days left): fill the
        # holes of the kept copy again.
        with_holes = cache.get(key + WITH_HOLES)
        if with_holes is None:
            return None
        content, tokens = fill_holes(with_holes)
        entry = {**entry, "content": content, "gzipped": _gzipped(content, entry["csrf_holes"])}
        seconds = int(entry["stored_at"] + kept_seconds(entry.get("all_day", False)) - time.time())
        if tokens is not None and seconds > 0 and not yesterdays:
            cache.set(key, {**entry, "holes": _own(tokens, entry)}, seconds)
        state = "previous" if moved or yesterdays else "refilled"
    response = _response_from(entry, request)
    if state != "hit":
        response["X-Page-Cache"] = state
    if entry.get("translation_key") and not is_warming(request):
        from cms.visit_counter import count_visit

        count_visit(entry["translation_key"])
    return response


REPLACING_PREFIX = "cms:page-replacing:"


def _replacing_key(page_id):
    return f"{REPLACING_PREFIX}{page_id}" if page_id else None


def replacing_seconds():
    """How long after a publish the previous copies of the pages a worker renders again may be served meanwhile
    (PAGE_CACHE_REPLACING_SECONDS; 0: never, their next reader renders them)."""
    return getattr(settings, "PAGE_CACHE_REPLACING_SECONDS", 0) if warming_enabled() else 0


def serve_previous_until_replaced(places, moved):
    """A publish (or a change of what a township's pages show from other apps) committed and a worker will render
    these pages ({page id: url_path}) again (cms.page_warming): until it has, for at most replacing_seconds(), a copy
    of one of them stored just before the change is served (`X-Page-Cache: previous`) rather than rendered for its
    reader. `moved`: the change's bump with the tokens before it (pages_changed(..., keep_before=True),
    township_content_changed). A copy qualifies only when every generation it is stale by was moved by this change,
    from the token the copy holds to the one current now, and its page is still at the same place: any other change,
    before it (a view restriction, an unpublish of a page it lists), meanwhile or after it (a second bump of any of
    its generations), and a new slug, make it a miss as before. Unpublishing, moving and deleting never come here."""
    seconds = replacing_seconds()
    replaced = {key: (moved.before[key], token) for key, token in moved.after.items() if key in moved.before}
    if not seconds or not places or not replaced:
        return
    until = time.time() + seconds
    markers = {_replacing_key(pk): {"url_path": path, "until": until, "moved": replaced} for pk, path in places.items()}
    cache.set_many(markers, seconds)


SITE_REPLACING_KEY = f"{REPLACING_PREFIX}site"


def serve_previous_everywhere(moved):
    """A change every page shows (the menus: site_changed; a publish of a page in them: pages_changed; official
    figures every township page shows) committed, and workers render the most read pages and those kept all day
    again (cms.page_warming.warm_most_read_soon): for at most the page cache's lifetime, a copy that this change
    alone made stale is served meanwhile (`X-Page-Cache: previous`), as after a publish
    (serve_previous_until_replaced), and a page the warm-up leaves out is rendered again by a worker once read
    (refresh_soon). Changes in a row chain: a copy from before the first is served until the warm-up after the last
    stored the new one."""
    seconds = timeout() if replacing_seconds() else 0
    if not seconds or moved is None or not warms_in_a_worker():
        return
    replaced = {key: (moved.before[key], token) for key, token in moved.after.items() if key in moved.before}
    earlier = _replaced_everywhere(cache.get(SITE_REPLACING_KEY))
    for key, (before, token) in list(replaced.items()):
        if key in earlier and earlier[key][1] == before:
            replaced[key] = (earlier[key][0], token)
    if replaced:
        marker = {"until": time.time() + seconds, "moved": {**earlier, **replaced}}
        cache.set(SITE_REPLACING_KEY, marker, seconds)


def _replaced_everywhere(marker):
    """{generation key: (token before, token after)} of the changes every page shows whose previous copies may be
    served (serve_previous_everywhere), or {}."""
    if not marker or time.time() > marker["until"]:
        return {}
    return marker["moved"]


def _change_of(moved):
    """A name for the change that made a copy stale by `moved` ({generation: token the copy holds})."""
    return ",".join(f"{name}={token}" for name, token in sorted(moved.items()))


def _replaced_by_change(entry, replacing):
    """{generation key: (token before, token after)} of the change whose new copy of the stored `entry`'s page a
    worker is rendering (serve_previous_until_replaced left the marker `replacing`), or {} when there is none for
    this copy (no marker, its time over, the page at another place)."""
    if not replacing or replacing["url_path"] != entry.get("url_path") or time.time() > replacing["until"]:
        return {}
    return replacing["moved"]


def _moved_by(replaced, moved, current):
    """Whether each of the generations `moved` ({name: the token the copy holds}) was moved by that change alone,
    from the copy's token to the one `current` now."""
    if not replaced:
        return False
    for name, token in moved.items():
        key = _generation_key(name)
        if replaced.get(key) != (token, current.get(key)):
            return False
    return True


def kept_seconds(all_day=False):
    """How long a stored page stays in the cache: its lifetime (PAGE_CACHE_SECONDS) and, when workers render pages
    again (cms.page_warming), PAGE_CACHE_STALE_SECONDS after it. A copy past its lifetime whose generations all
    stand (nothing the cache is told of has changed) is served to its next reader while a worker renders it again
    (`X-Page-Cache: stale`): a page read less often than its lifetime meets its readers as a stored copy, and what
    changes without telling the cache shows after at most PAGE_CACHE_STALE_SECONDS, for one reader.

    `all_day` (kept_all_day: a township page, an index): until the local day ends, when every key changes anyway. A
    township page is read far less often than once an hour, and its copy, rendered as the day starts
    (cms.page_warming.pages_of_the_day), would otherwise have gone before most of its readers came; what changes
    without telling the cache then shows to one reader at worst, the one whose visit has a worker render it again."""
    seconds = timeout() + (getattr(settings, "PAGE_CACHE_STALE_SECONDS", 0) if warming_enabled() else 0)
    if all_day and warming_enabled():
        # and for the first moments of the next day, while workers render the new day's (_yesterdays_copy)
        seconds = max(seconds, seconds_left_today() + day_turn_seconds())
    return seconds


def seconds_left_today():
    """Seconds until the local day ends (every key holds the day: _today)."""
    now = timezone.localtime()
    midnight = (now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(int((midnight - now).total_seconds()), 1)


def site_wide_value(name, compute, depends_on=()):
    """A value that many pages show and that changes with the site (the staff menu, long choice lists): computed
    once per language and site generation (any site-wide change moves it) and kept PAGE_CACHE_SECONDS; computed
    every time when the page cache is off. `name` says what the value depends on besides the language;
    `depends_on`: more generations it changes with (HOME: what a project's publish changes)."""
    if not enabled():
        return compute()
    generations = _current_generations([GLOBAL, *depends_on])
    if None in generations.values():
        return compute()
    tokens = ",".join(generations[name] for name in [GLOBAL, *depends_on])
    digest = hashlib.sha256(f"{name}|{tokens}".encode()).hexdigest()[:32]
    key = f"cms:site-value:{release()}:{get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout())
    return value


def values_of_pages(kind, ids, compute, shows_money=True, lists_pages=False):
    """{page id: value} for `ids`, with `compute(ids)` -> {page id: value} (an id it leaves out is not kept) run only
    for the pages whose value is not kept: what a list of search hits shows of each page (its version in the
    reader's language, its card's facts and picture), which is the same whatever the query that found it.

    A value is kept per language, `kind` and page, under the generations a cached copy of that page depends on (its
    translation group's and the site's): a publish, unpublish, move, translation or payment makes it stale at once,
    as it makes the page stale; what other apps change without passing here ages out after PAGE_CACHE_SECONDS.
    Kept values cost two cache round trips and no query; computed every time when the page cache is off. Values are
    pickled: pages should come with their streamfields deferred. `shows_money`: False for a value that shows nothing
    of the page's funding (a story's card), which a payment then leaves kept. `lists_pages`: the value is what the
    page lists of others (a township's project ids), which publishing one of them moves (lists_of)."""
    ids = list(dict.fromkeys(ids))
    if not enabled() or not ids:
        return compute(ids)
    prefix = f"cms:page-value:{release()}:{_today()}:{get_language()}:{kind}:"
    found = cache.get_many([prefix + str(page_id) for page_id in ids])
    names = {name for entry in found.values() for name in entry["generations"]}
    current = _read_generations([_generation_key(name) for name in names]) if names else {}
    values, missing = {}, []
    for page_id in ids:
        entry = found.get(prefix + str(page_id))
        if entry is not None and all(
            current.get(_generation_key(name)) == token for name, token in entry["generations"].items()
        ):
            values[page_id] = entry["value"]
        else:
            missing.append(page_id)
    if missing:
        # The generations are read before the values are computed: a change between the two leaves the kept value
        # under an old token (a miss next time), never a stale value under the new one. A stale entry names its
        # page's generations, whose tokens were just read: the common miss (a page changed) costs no more reads.
        names_of = {
            page_id: list(found[prefix + str(page_id)]["generations"])
            for page_id in missing
            if prefix + str(page_id) in found
        }
        never_kept = [page_id for page_id in missing if page_id not in names_of]
        if never_kept:
            from wagtail.models import Page

            for page_id, key in Page.objects.filter(pk__in=never_kept).values_list("pk", "translation_key"):
                names_of[page_id] = [
                    GLOBAL,
                    str(key),
                    *([money_of(key)] if shows_money else []),
                    *([lists_of(key)] if lists_pages else []),
                ]
        wanted = {name for names in names_of.values() for name in names}
        generations = {name: current.get(_generation_key(name)) for name in wanted}
        unread = [name for name, token in generations.items() if token is None]
        if unread:
            generations.update(_current_generations(unread))
        computed = compute(missing)
        kept = {}
        for page_id, value in computed.items():
            tokens = {name: generations[name] for name in names_of.get(page_id, ())}
            if tokens and None not in tokens.values():
                kept[prefix + str(page_id)] = {"generations": tokens, "value": value}
        if kept:
            cache.set_many(kept, timeout())
        values.update(computed)
    return values


# --- holes: the money of a stored page, filled in as it is served ----------------------------------------------

_hole_kinds = {}


def register_hole_kind(kind, render_many):
    """`render_many(args)` -> {arg: HTML} in the active language, for the holes of `kind` (an arg it leaves out
    fills its hole with nothing). Called by the apps that render such parts (marketplace: a card's money)."""
    _hole_kinds[kind] = render_many


def holes_allowed(request):
    """Whether a part rendered for `request` may be left as a hole: the page cache is on and the response passes the
    middleware, which fills every hole before it leaves (fill_response)."""
    return enabled() and request is not None and getattr(request, HOLES_ATTRIBUTE, False)


def hole(kind, arg, generations):
    """The hole of one part of a page (a card's money, the home figures), kept under `generations` and filled as the
    response leaves (fill_holes): the page, its fragments and its cards are kept without it, so a payment makes
    only the holes it moved render again, and a stored page is served again with them filled."""
    from django.utils.safestring import mark_safe

    return mark_safe(f"<!--homeward-hole:{kind}:{arg}|{','.join(generations)}-->")  # noqa: S308 - names and ids


CLOCK_PREFIX = "clock-"


def clock(seconds):
    """A generation that moves by itself every `seconds` (read from the clock, not the cache): a hole kept under it
    is filled again at least that often, for what changes without an event to follow (a plan's places, given back
    when a checkout is left unpaid)."""
    return f"{CLOCK_PREFIX}{int(seconds)}"


def _clock_token(name):
    return str(int(time.time() // int(name[len(CLOCK_PREFIX) :])))


def project_money_generations(translation_key):
    """What a project's money, shown anywhere, is kept under: the project's content (its goal, its ways to back)
    and its money, in every language (a payment moves the money: project_money_changed)."""
    return [GLOBAL, str(translation_key), money_of(translation_key)]


def current_generations(names):
    """{name: token} of these generations as this request reads them (made when missing): read them before the
    data a part shows, then keep the part under them (keep_holes)."""
    return _current_generations(names)


def _hole_key(kind, arg):
    return f"cms:hole:{release()}:{_today()}:{get_language()}:{kind}:{arg}"


def keep_holes(kind, parts):
    """Keep parts rendered beside a list (a card's money while the cards render): {arg: (their generations' tokens
    read before the data, HTML)}, so that filling their holes next costs no render."""
    if not enabled():
        return
    kept = {
        _hole_key(kind, arg): {"generations": tokens, "html": str(html)}
        for arg, (tokens, html) in parts.items()
        if None not in tokens.values()
    }
    if kept:
        cache.set_many(kept, timeout())


def fill_holes(content):
    """(`content` with each hole filled, {generation: token} of the generations its holes are kept under). One cache
    round trip reads the kept parts and their generations; the parts missing or stale are rendered (their kind's
    render_many, once per kind) and kept under the tokens read before. A hole of an unknown kind is left empty.
    When a kind fails to render (its database out of reach), its holes show what was kept of them, even stale, or
    nothing, the failure is logged, and the tokens are None: what was filled must not be kept as current."""
    holes = {}
    for match in HOLE.finditer(content):
        names = match.group(3).decode()
        holes[(match.group(1).decode(), match.group(2).decode())] = names.split(",") if names else []
    if not holes:
        return content, {}
    names = {name for hole_names in holes.values() for name in hole_names}
    keys = {part: _hole_key(*part) for part in holes}
    kept = [name for name in names if not name.startswith(CLOCK_PREFIX)]
    read, found = _read_generations_with([_generation_key(name) for name in kept], keys.values())
    tokens = {name: _token_now(name, read) for name in names}
    if None in tokens.values():
        tokens.update(_current_generations([name for name, token in tokens.items() if token is None]))
    html, missing = {}, {}
    for part, hole_names in holes.items():
        kept = found.get(keys[part])
        if kept is not None and kept["generations"] == {name: tokens[name] for name in hole_names}:
            html[part] = kept["html"]
        else:
            missing.setdefault(part[0], []).append(part[1])
    complete = True
    for kind, args in missing.items():
        render_many = _hole_kinds.get(kind)
        try:
            rendered = render_many(args) if render_many is not None else {}
        except Exception:
            # A page whose money cannot be read now still shows: with the last money kept, or without it.
            logger.exception("Could not render the %s parts %s of a page: shown as last kept", kind, args)
            complete = False
            for arg in args:
                html[(kind, arg)] = (found.get(keys[(kind, arg)]) or {}).get("html", "")
            continue
        fresh = {}
        for arg in args:
            html[(kind, arg)] = str(rendered.get(arg, ""))
            if arg in rendered:
                fresh[arg] = ({name: tokens[name] for name in holes[(kind, arg)]}, html[(kind, arg)])
        keep_holes(kind, fresh)
    filled = HOLE.sub(lambda match: html[(match.group(1).decode(), match.group(2).decode())].encode(), content)
    return filled, tokens if complete else None


def fill_response(response):
    """The response with its holes filled, when it is a page that has some."""
    if (
        not response.streaming
        and not response.has_header("Content-Encoding")
        and response.get("Content-Type", "").startswith("text/html")
        and HOLE_START in response.content
    ):
        response.content = fill_holes(response.content)[0]
    return response


# --- writing -------------------------------------------------------------------------------------------------------


def money_of(translation_key):
    """The generation of the money a page shows (its own progress, its cards' and figures'), apart from its
    content's: what payments move."""
    return f"{MONEY_PREFIX}{translation_key}"


def dependencies(page):
    """The generations a render of `page` depends on (read before the render starts)."""
    names = [GLOBAL, str(page.translation_key)]
    class_name = page.specific_class.__name__ if page.specific_class is not None else ""
    if class_name != "ProjectPage":
        # A project page shows its money in holes only (its funding panel's progress and plans): a payment fills
        # them again. Other pages list cards, whose content (not their money) moves their page's money generation.
        names.append(money_of(page.translation_key))
    if class_name == "HomePage":
        names.append(HOME)
    elif class_name == "TownshipPage":
        names += [TOWNSHIP_CONTENT, lists_of(page.translation_key)]
        if getattr(page, "township_id", None):
            names.append(township_content_of(page.township_id))
    elif class_name == "StoryIndexPage":
        names.append(lists_of(page.translation_key))
    return names


def _current_generations(names):
    names = list(dict.fromkeys(names))
    keys = {name: _generation_key(name) for name in names}
    found = _read_generations(list(keys.values()))
    missing = {name: uuid.uuid4().hex for name in names if keys[name] not in found}
    for name, token in missing.items():
        # add: a concurrent bump's token wins over ours; read again below so that we remember whichever is there.
        cache.add(keys[name], token, None)
    if missing:
        found.update(_read_generations([keys[name] for name in missing]))
    return {name: found.get(keys[name]) for name in names}


def page_served(page, request):
    """Wagtail is about to render `page` for `request` (before_serve_page): remember what the render depends on,
    for its shared fragments (every visitor) and for the page cache (an anonymous visitor)."""
    if not enabled() or request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return
    generations = _current_generations(dependencies(page))
    setattr(request, FRAGMENT_ATTRIBUTE, (page.pk, generations))
    if not request_is_cacheable(request):
        return
    if page.get_view_restrictions().exists():
        # A password form now, the page itself once the visitor's session holds the password: never one copy.
        return
    setattr(
        request,
        REQUEST_ATTRIBUTE,
        {
            "translation_key": str(page.translation_key),
            "page_id": page.pk,
            "url_path": page.url_path,
            "generations": generations,
            "all_day": kept_all_day(page) and not request.GET,  # a list's later pages are never served stale
        },
    )


def kept_all_day(page):
    """Whether stored copies of `page` are kept until the day ends (its class's `kept_all_day`: the home pages,
    indexes, counties and townships, whose number does not grow with the site's projects and stories), served past
    their lifetime while a worker renders them again; other pages' copies go after kept_seconds()."""
    return bool(getattr(page.specific_class or type(page), "kept_all_day", False)) and warming_enabled()


def _fragment_key(request, page, name, shows_money, lists_pages=True, day=None):
    """The cache key of a shared fragment of `page` served for `request` on the local day `day` (default today), or
    None when it is not kept (see shared_fragment)."""
    remembered = getattr(request, FRAGMENT_ATTRIBUTE, None) if request is not None else None
    if remembered is None or page is None or remembered[0] != page.pk or getattr(request, "is_preview", False):
        return None
    if not _reads_only(request, CACHED_QUERY_PARAMETERS):
        return None
    query = request.META.get("QUERY_STRING", "")
    generations = remembered[1]
    if None in generations.values():
        return None
    if shows_money and not holes_allowed(request):
        # Its money is in the part itself, not in holes: a payment does not move the page's generations.
        return None
    if not shows_money:
        generations = {name: token for name, token in generations.items() if not name.startswith(MONEY_PREFIX)}
    if not lists_pages:
        generations = {name: token for name, token in generations.items() if not name.startswith(LISTS_PREFIX)}
    tokens = ",".join(f"{generation}={token}" for generation, token in sorted(generations.items()))
    digest = hashlib.sha256(f"{request.path}?{query}|{name}|{tokens}".encode()).hexdigest()
    return f"cms:fragment:v2:{release()}:{day or _today()}:{get_language()}:{digest}"  # v2: (content, stored at, until)


def prefetch_shared_fragments(request, page, parts):
    """Read the kept copies of the shared fragments `parts` ([(name, shows_money, lists_pages)]: those of the page's
    template) in one cache round trip, for shared_fragment to take them from; the first fragment of a render asks
    for all."""
    keyed = {key: part for part in parts if (key := _fragment_key(request, page, *part))}
    found = cache.get_many(list(keyed)) if keyed and not is_warming(request) else {}
    missing = [key for key in keyed if key not in found]
    yesterday = _yesterday_while_the_day_turns(request) if missing else None
    if yesterday is not None:
        # As a day starts, yesterday's copy of a part, as of a page (_yesterdays_copy), marked as such.
        of = {_fragment_key(request, page, *keyed[key], day=yesterday): key for key in missing}
        found.update({of[old]: (*kept, YESTERDAYS) for old, kept in cache.get_many(list(of)).items()})
    setattr(request, PREFETCHED_ATTRIBUTE, {key: found.get(key) for key in keyed})


YESTERDAYS = "yesterday's"


def fragments_prefetched(request):
    """Whether this render has read its fragments already (prefetch_shared_fragments)."""
    return hasattr(request, PREFETCHED_ATTRIBUTE)


def shared_fragment(request, page, name, render, valid_until=None, shows_money=True, lists_pages=True):
    """A part of a CMS page that every visitor allowed to see the page sees alike (the home page below its header,
    a township's project cards, the story index's list), from the cache when the page's generations have not moved
    since it was kept: a signed-in reader, whose page is never stored whole, gets it without its queries (the pages
    hand such data to their templates lazily) and without its template work.

    The key is the URL (with the query strings pages read), the language, the release, `name` and the generations
    remembered before the render began (page_served), so a part is stale exactly when a cached page would be, and
    what other apps show without passing here ages out after PAGE_CACHE_SECONDS, as in a cached page (on a page
    kept all day, a part past that is served while a worker renders the page again, as its stored copy is). Rendered
    every time with the page cache off, in a preview, outside a served page, with query strings the pages do not
    read, and in a warm-up (cms.page_warming: it keeps the part afresh); never kept when it carries a CSRF token.
    A part read beforehand (prefetch_shared_fragments) costs no round trip of its own.

    `valid_until`: called after a render, the moment the part changes by itself (an aware datetime) or None; the
    part is kept no longer than that, and the page's stored copy is stale from then (_note_until). `shows_money`:
    False for a part that shows no money (a township's head, its stories); a part that does shows it in holes
    (cards, figures), and is kept only when they will be filled. `lists_pages`: False for a part that lists no other
    pages (a township's head), which a project or story published under or about the page then leaves kept
    (lists_of)."""
    key = _fragment_key(request, page, name, shows_money, lists_pages)
    if key is None:
        return render()
    prefetched = getattr(request, PREFETCHED_ATTRIBUTE, None) or {}
    kept = prefetched.pop(key) if key in prefetched else None if is_warming(request) else cache.get(key)
    if kept is not None:  # a warm-up renders every part afresh: what changed untold shows within the lifetime
        content, stored_at, until, *yesterdays = kept
        if yesterdays:  # yesterday's, as a day starts: a worker renders the page and its parts for the new day
            served = refresh_soon(page.pk, request, because=_today())
        else:  # a part of a page kept all day, past its lifetime: a worker renders the page and its parts again
            served = time.time() - stored_at <= timeout() or refresh_soon(page.pk, request)
        if served:
            # A page stored with yesterday's part is stale at once: the next reader's visit has it rendered again.
            _note_until(request, time.time() if yesterdays else until)
            return content
    content = render()
    seconds = kept_seconds(True) if kept_all_day(page) else timeout()
    changes_at = valid_until() if valid_until is not None else None
    if not isinstance(changes_at, datetime.datetime):
        changes_at = None
    else:
        seconds = min(seconds, int((changes_at - timezone.now()).total_seconds()))
        changes_at = changes_at.timestamp()
        _note_until(request, changes_at)
    if seconds > 0 and "csrfmiddlewaretoken" not in content:
        cache.set(key, (str(content), time.time(), changes_at), seconds)
    return content


def _note_until(request, until):
    """The page being rendered for `request` shows a part that changes by itself at `until` (a timestamp, or None):
    its stored copy is stale from then (cached_response)."""
    if until is not None:
        setattr(request, UNTIL_ATTRIBUTE, min(until, getattr(request, UNTIL_ATTRIBUTE, until)))


def response_is_storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    session = getattr(request, "session", None)
    if session is None:
        return True
    # Reading the session of a visitor without a session cookie reads nothing of theirs (the template asking whether
    # they are signed in does); with a cookie, what was read may be theirs.
    return not session.modified and not (session.accessed and settings.SESSION_COOKIE_NAME in request.COOKIES)


def store(request, response):
    seen = getattr(request, REQUEST_ATTRIBUTE, None)
    if seen is None or request.method != "GET" or None in seen["generations"].values():
        return
    if not response_is_storable(request, response):
        return
    entry = _entry_from(request, response)
    if entry is None:
        return
    entry.update(
        generations=seen["generations"],
        translation_key=seen["translation_key"],
        page_id=seen["page_id"],
        url_path=seen["url_path"],
        stored_at=time.time(),
        all_day=seen["all_day"],
    )
    until = getattr(request, UNTIL_ATTRIBUTE, None)
    if until is not None:
        entry["until"] = until
    key = _entry_key(request)
    kept = {key: entry}
    if HOLE_START in entry["content"]:
        # Kept filled, and with its holes beside it: a hit serves the filled copy while its holes' generations
        # stand, and fills the holes again when one moved.
        kept[key + WITH_HOLES] = entry["content"]
        filled, tokens = fill_holes(response.content)
        response.content = filled
        shared = with_csrf_holes(request, filled) if entry["csrf_holes"] else filled
        if shared is None or tokens is None:
            return
        entry.update(content=shared, gzipped=_gzipped(shared, entry["csrf_holes"]), holes=_own(tokens, entry))
    cache.set_many(kept, kept_seconds(entry["all_day"]))
    response["X-Page-Cache"] = "miss"


def _own(tokens, entry):
    """The holes' generations a stored page checks besides its own (the site's is both)."""
    return {name: token for name, token in tokens.items() if name not in entry["generations"]}


def _entry_from(request, response):
    """What is kept of a storable response, or None when it cannot be shared (see with_csrf_holes). A page without
    a CSRF token is also kept gzipped: compressing the impact page's half megabyte of map took longer than serving
    it from the cache."""
    content, holes = response.content, False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the render put this visitor's CSRF token in a form
        content = with_csrf_holes(request, content)
        if content is None:
            return None
        holes = True
    return {
        "content": content,
        "gzipped": None if HOLE_START in content else _gzipped(content, holes),  # store() fills the holes first
        "csrf_holes": holes,
        "headers": {header: response[header] for header in KEPT_HEADERS if response.has_header(header)},
    }


def _gzipped(content, csrf_holes):
    # Nothing secret in it, so no BREACH padding is needed (GZipMiddleware pads, for pages with a token).
    return None if csrf_holes or len(content) < 200 else gzip.compress(content, compresslevel=6, mtime=0)


def _response_from(entry, request):
    """The response of a hit: the visitor's own CSRF token in the holes, or the gzipped copy when they take it."""
    if entry.get("gzipped") and ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(entry["gzipped"], status=200)
        response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Accept-Encoding",))
    else:
        content = entry["content"]
        if entry.get("csrf_holes"):
            content = content.replace(CSRF_HOLE, get_token(request).encode())
        response = HttpResponse(content, status=200)
    for header, value in entry["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = "hit"
    return response


def with_csrf_holes(request, content):
    """`content` with a hole for each `{% csrf_token %}` value, or None when the visitor's token is (or may be)
    anywhere else in it: a copy served to others must carry nothing of this visitor's."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or CSRF_HOLE in content:
        return None
    tokens = set(CSRF_INPUT.findall(content))
    if any(_unmask_cipher_token(token.decode()) != secret for token in tokens):
        return None
    for token in tokens:
        content = content.replace(token, CSRF_HOLE)
    if secret.encode() in content:
        return None
    for candidate in TOKEN_LIKE.findall(content):
        if _unmask_cipher_token(candidate.decode()) == secret:
            return None
    return content


def anonymous_view(request, version, render, depends_on=(), seconds=None):
    """A view that is not a Wagtail page but shows every anonymous visitor the same thing (the impact page, the
    search page): its response for this URL and language from the cache while `version` (what its content depends
    on, such as a data version), the site's generation and the generations named in `depends_on` are unchanged, for
    at most `seconds` (PAGE_CACHE_SECONDS by default); otherwise `render()`, stored under the same rules as pages (a
    response marked no-store, such as an incomplete answer, is not)."""
    if not request_is_cacheable(request, query_parameters=None) or request.method != "GET":
        return render()
    generations = _current_generations([GLOBAL, *depends_on])
    if None in generations.values():
        return render()
    tokens = ":".join(generations[name] for name in [GLOBAL, *depends_on])
    key = f"{_entry_key(request)}:view:{hashlib.sha256(f'{version}:{tokens}'.encode()).hexdigest()[:32]}"
    entry = cache.get(key)
    if entry:
        return _response_from(entry, request)
    response = render()
    if not response_is_storable(request, response):
        return response
    entry = _entry_from(request, response)
    if entry is not None:
        cache.set(key, entry, seconds or timeout())
        response["X-Page-Cache"] = "miss"
    return response


def search_results_changed():
    """A search index or the synonyms changed: the search pages kept for anonymous visitors are stale."""
    bump([SEARCH_RESULTS])


# --- invalidation --------------------------------------------------------------------------------------------------


@dataclass
class Moved:
    """What a bump did: {generation key: token} before it (kept only when asked) and after it (once the change
    committed, the tokens of the second move)."""

    before: dict
    after: dict = field(default_factory=dict)


def bump(names, keep_before=False):
    """Move these generations on: every cached page depending on one of them is stale from now. Returns Moved (None
    with the cache off). With `keep_before`, Moved.before has the tokens before the bump, less those another change
    moved between the bump and its second move at the commit (serve_previous_until_replaced)."""
    names = {str(name) for name in names if name}
    if not names or not enabled():
        return None
    keys = [_generation_key(name) for name in names]
    moved = Moved(before=cache.get_many(keys) if keep_before else {})

    def move_on():
        if moved.after and moved.before:
            now = cache.get_many(keys)
            moved.before = {key: token for key, token in moved.before.items() if now.get(key) == moved.after[key]}
        moved.after = {key: uuid.uuid4().hex for key in keys}
        cache.set_many(moved.after, None)
        _forget_generations(moved.after)

    move_on()
    everywhere = names & EVERYWHERE
    if everywhere:  # every page (every township page) is stale: the most read are rendered again by a worker
        warm_most_read_soon()
    if connection.in_atomic_block:
        # Again once the change commits: a render that began after the first bump but read the data before the
        # commit (the old page) would otherwise stay stored under the new generation.
        transaction.on_commit(move_on)
    if everywhere and moved.before:
        # Meanwhile, the copies from before it (after the bump's own move at the commit).
        keys = {_generation_key(name) for name in names & (EVERYWHERE | FOLLOWING_EVERYWHERE)}
        transaction.on_commit(lambda: serve_previous_everywhere(_part_of(moved, keys)))
    return moved


def site_changed(previous_copies=True):
    """Something every page shows changed (menus, breadcrumbs of an index, a catalogue's names): every copy is
    stale; the most read pages and those kept all day are rendered again by workers, and served from before the
    change meanwhile (serve_previous_everywhere). `previous_copies=False`: never (who may read a page changed)."""
    bump([GLOBAL], keep_before=previous_copies and replacing_seconds() > 0)


def _translation_keys(queryset):
    return set(queryset.values_list("translation_key", flat=True))


def parent_key(page):
    from wagtail.models import Page

    if page.depth <= 1:
        return None
    return Page.objects.filter(path=page.path[: -Page.steplen]).values_list("translation_key", flat=True).first()


def lists_of(translation_key):
    """The generation of what a page lists of other pages (a township page's projects and stories, the story index's
    stories), apart from the rest of it: a project or story published moves its lists only, and the parts of those
    pages that list nothing (`lists_no_pages`: a township's head, its figures, what other apps add) stay kept."""
    return f"{LISTS_PREFIX}{translation_key}" if translation_key else None


def pages_changed(pages, keep_before=False):
    """These pages were published, unpublished, moved, deleted or retranslated: bump them and the pages listing them.
    Returns the bump's Moved (see bump), None with the cache off."""
    from wagtail.models import Page

    from cms.models import ProjectPage, StoryPage, TownshipIndexPage, TownshipPage

    if not enabled():
        return None
    names = set()
    for page in pages:
        specific_class = page.specific_class
        names.add(page.translation_key)
        if specific_class is ProjectPage:
            names.add(lists_of(parent_key(page)))  # its township page's list of projects, not the rest of it
            names.add(HOME)
            names |= _translation_keys(StoryPage.objects.filter(related_projects__translation_key=page.translation_key))
            names |= home_keys()
        elif specific_class is StoryPage:
            names.add(lists_of(parent_key(page)))  # the story index's list
            names |= home_keys()
            names |= {lists_of(key) for key in story_township_keys(page)}  # its township pages' list of stories
        elif specific_class is TownshipPage:
            names.add(parent_key(page))
            names |= _translation_keys(TownshipIndexPage.objects.all())
            names |= _translation_keys(Page.objects.descendant_of(page))
        else:
            names.add(GLOBAL)
    # The search pages too: the hits they show are kept under these pages' generations, which they do not follow.
    # A publish of a page every page shows (the site's generation) serves the other pages' copies from before it as
    # a change of the menus does (bump).
    return bump(names | {PAGE_TREE, SEARCH_RESULTS}, keep_before=keep_before)


def _part_of(moved, keys):
    """The part of Moved `moved` that moved these generation keys."""
    return Moved(
        before={key: token for key, token in moved.before.items() if key in keys},
        after={key: token for key, token in moved.after.items() if key in keys},
    )


def pages_listed_changed(pages):
    """What these pages list of others changed (a project moved away from a township page): their lists are stale."""
    if not enabled():
        return
    bump({lists_of(page.translation_key) for page in pages} | {PAGE_TREE, SEARCH_RESULTS})


def page_content_changed(page_ids):
    """What these pages show of their own changed without a publish (a project's updates, milestones, questions and
    answers, which show at once, without review): their cached copies and what is kept under their content are
    stale. The pages listing them show none of it and stay kept."""
    if not enabled():
        return
    bump(_content_keys(page_ids))


def follow_page_content_changes(page_ids_of):
    """`page_ids_of`: {model: function(row) -> the ids of the pages that show the row}. A save or delete of such a
    row makes those pages fresh once it commits (page_content_changed). Called by the apps that own such rows (so
    that cms never imports them)."""
    _follow_row_changes(page_ids_of, page_content_changed, "cms-content")


def _content_keys(page_ids):
    """The content generations (translation keys) of the pages with these ids."""
    from wagtail.models import Page

    return {str(key) for key in _translation_keys(Page.objects.filter(pk__in=set(page_ids)))}


_saving = threading.local()


def pages_being_saved():
    """The ids of the pages whose save is under way in this thread (rows_saved_with_page): their child rows, saved
    again with them, are the page's change, which its own signals (a publish) announce."""
    return getattr(_saving, "page_ids", frozenset())


@contextmanager
def rows_saved_with_page(page_id):
    """The rows saved meanwhile that `page_id` shows of its own are saved with the page (modelcluster commits a
    page's child rows again on every save of the page, unchanged or as its revision has them): their followers
    (follow_page_content_changes) leave them to the page's own signals, so that a publish is one change
    (serve_previous_until_replaced)."""
    before = pages_being_saved()
    _saving.page_ids = before | {page_id}
    try:
        yield
    finally:
        _saving.page_ids = before


def _follow_row_changes(page_ids_of, changed_pages, uid_prefix):
    """Connect the saves and deletes of each model of `page_ids_of` ({model: function(row) -> page ids}) to
    `changed_pages(page ids)`, called once the change commits."""
    from django.db.models.signals import post_delete, post_save

    for model, ids_of in page_ids_of.items():

        def changed(sender, instance, ids_of=ids_of, **kwargs):
            if not enabled():
                return
            saving = pages_being_saved()
            page_ids = [page_id for page_id in ids_of(instance) if page_id and page_id not in saving]
            if page_ids:
                transaction.on_commit(lambda: changed_pages(page_ids))

        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid_prefix}-{name}-{model._meta.label}")


def home_keys():
    from cms.models import HomePage

    return _translation_keys(HomePage.objects.all())


def story_township_keys(story):
    """The translation keys of the township pages of a story's township (they list the story): none without one."""
    from cms.models import StoryPage, TownshipPage

    township_id = StoryPage.objects.filter(pk=story.pk).values_list("township_id", flat=True).first()
    return _translation_keys(TownshipPage.objects.filter(township_id=township_id)) if township_id else set()


def township_content_changed(township_ids=None):
    """An enterprise, organisation, help request or experience changed (cms.township_sections): the pages of these
    townships show it again (None: every township page, for a row that any of them may show). Returns the bump's
    Moved for these townships (with the tokens before it while previous copies may be served: see
    serve_previous_until_replaced), None for every township page or with the cache off."""
    if township_ids is None:
        # The warm-up (every township page, once for the rows of an import) and the copies from before it: bump.
        bump([TOWNSHIP_CONTENT], keep_before=replacing_seconds() > 0)
        return None
    names = [township_content_of(township_id) for township_id in sorted(township_ids)]
    return bump(names, keep_before=replacing_seconds() > 0) if names else None


def township_content_of(township_id):
    """The generation of what one township's pages show from other apps (township_content_changed)."""
    return f"{TOWNSHIP_CONTENT}:{township_id}"


def project_money_changed(project_ids):
    """A payment (or refund) moved these projects' totals: the holes showing their money (cards, funding panels)
    and the home figures are filled again wherever they are shown, and the search pages are stale; the pages
    themselves stay kept. Call after the ledger change commits (payments.ledger.announce_progress does)."""
    if enabled():
        bump(_money_of_projects(project_ids) | {SITE_MONEY, SEARCH_RESULTS})


def project_places_changed(project_ids):
    """A place of a capped plan of these projects was taken: the plans their funding panels show (a hole kept under
    the project's money) are filled again. A place given back shows within the hole's clock (payments.funding)."""
    if enabled():
        bump(_money_of_projects(project_ids))


def _money_of_projects(project_ids):
    return {money_of(key) for key in _translation_keys_of(sorted(set(project_ids)))}


def _translation_keys_of(page_ids):
    """The translation keys of these pages: read from the cache (a page keeps its key for life), else one query."""
    from wagtail.models import Page

    keys = {f"cms:translation-key:{page_id}": page_id for page_id in page_ids}
    found = cache.get_many(list(keys))
    if len(found) < len(keys):
        read = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "translation_key"))
        found = {key: str(read[page_id]) for key, page_id in keys.items() if page_id in read}
        cache.set_many(found, 24 * 60 * 60)
    return set(found.values())


def project_card_changed(project_ids):
    """What these projects' cards show besides money changed (their listing, campaign, plans, team): the projects'
    pages and the facts kept of their cards (under the content's generation), and every page showing the cards (as a
    payment: their money's generation, which their list of cards depends on)."""
    if not enabled():
        return
    project_ids = sorted(set(project_ids))
    bump(_content_keys(project_ids) | _pages_showing_money_of(project_ids) | {SEARCH_RESULTS})


def follow_project_card_changes(project_ids_of):
    """`project_ids_of`: {model: function(row) -> the project page ids whose card the row shows} (a listing, its
    campaign and plans, the team). A save or delete of such a row makes the projects' pages, the pages showing those
    cards and the values kept for search hits fresh once it commits (project_card_changed). Called by the apps that
    own such rows (marketplace), so that cms never imports them."""
    _follow_row_changes(project_ids_of, project_card_changed, "cms-card")


def _pages_showing_money_of(project_ids):
    """The money generations of the projects' own pages, their township pages, the stories linking them and the home
    pages. Which pages
    those are changes only when pages do (pages_changed moves PAGE_TREE), so a payment finds them in one cache read
    instead of three queries; a page change made some other way ages out with the entry."""
    tree_key = _generation_key(PAGE_TREE)
    entry_key = "cms:money-pages:v2:" + ",".join(str(project_id) for project_id in project_ids)
    found = cache.get_many([tree_key, entry_key])
    tree = found.get(tree_key)
    remembered = found.get(entry_key)
    if tree is not None and remembered is not None and remembered[0] == tree:
        return set(remembered[1])
    if tree is None:
        tree = _current_generations([PAGE_TREE])[PAGE_TREE]
    names = _query_pages_showing_money_of(project_ids)
    cache.set(entry_key, (tree, sorted(names)), timeout())
    return names


def _query_pages_showing_money_of(project_ids):
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.models import Page

    from cms.models import HomePage, ProjectPage, StoryPage

    rows = list(ProjectPage.objects.filter(pk__in=project_ids).values_list("translation_key", "path"))
    if not rows:
        return set()
    names = {key for key, _path in rows}
    # Their township pages and the home pages (figures, featured cards), in one query.
    home_type = ContentType.objects.get_for_model(HomePage)
    names |= _translation_keys(
        Page.objects.filter(Q(path__in=[path[: -Page.steplen] for _key, path in rows]) | Q(content_type=home_type))
    )
    names |= _translation_keys(
        StoryPage.objects.filter(related_projects__translation_key__in=[key for key, _path in rows])
    )
    return {money_of(name) for name in names}


# --- middleware ----------------------------------------------------------------------------------------------------


class AnonymousPageCacheMiddleware:
    """Serves an anonymous visitor's page from the cache when it is there and current; stores what Wagtail rendered
    for one (see the module's notes). Sits after the session, locale, auth and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, HOLES_ATTRIBUTE, True)
        if not request_is_cacheable(request):
            return fill_response(self.get_response(request))
        response = cached_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        store(request, response)
        return fill_response(response)
