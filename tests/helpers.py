"""Helpers the suite shares: manage.py in a child process with a chosen environment, MFA for staff, the
query-count check of list pages, work inside one request's memo, a page served from the page cache and the
style and scroll regions of a page's tables."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Variables the test run sets for the real services; a child that wants the
# embedded defaults or production must not inherit them.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "SEARCH_ENGINE",
    "SEARCH_INDEX_PREFIX",
    "STRIPE_API_BASE",
    "STRIPE_SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def clean_environment(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(overrides)
    return env


def manage(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def with_mfa(user):
    """Give a staff user an authenticator app, as the admin requires (accounts.middleware.StaffMFAMiddleware)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(secret):
    """The authenticator app's current code, computed with allauth's own helpers.

    A code typed in the last seconds of its 30-second window may arrive after the
    window closed; wait for the next window then, as a person would.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


QUERY_CEILING = 45


def queries_to_render(client, url):
    """Queries of one ordinary visit to `url` (after a first visit that warms what is made once, e.g. renditions)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def assert_queries_do_not_grow(build, client, url, ceiling=QUERY_CEILING):
    """Render with 5 items, then with 50: the query count must be the same and small. `build(n)` adds n items;
    `url` is a string or a function that returns one."""
    build(5)
    with_5 = queries_to_render(client, url() if callable(url) else url)
    build(45)
    with_50 = queries_to_render(client, url() if callable(url) else url)
    assert with_5 == with_50, f"{with_5} queries with 5 items, {with_50} with 50"
    assert with_50 <= ceiling, f"{with_50} queries"
    return with_50


def socket_headers(user=None):
    """Headers of a websocket handshake from the site's origin, with `user`'s session cookie when given.

    Build them outside the event loop: a session login inside it would leave a database connection behind."""
    from django.test import Client

    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return headers


def translation_of(page, language_code):
    """`page` translated into `language_code`, not yet published, as an editor makes it: the alias that
    WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE created for that language converted into a page of its own, or a copy
    when there is no page in that language yet (copy_for_translation beside an alias would break the unique
    translation key)."""
    from wagtail.actions.convert_alias import ConvertAliasPageAction
    from wagtail.models import Locale, Page

    locale = Locale.objects.get(language_code=language_code)
    existing = Page.objects.filter(translation_key=page.translation_key, locale=locale).first()
    if existing is None:
        return page.copy_for_translation(locale, copy_parents=True)
    if existing.alias_of_id is not None:
        ConvertAliasPageAction(existing.specific, log_action=False).execute(skip_permission_checks=True)
    return Page.objects.get(pk=existing.pk).specific  # a translation made already (the demo's) is used as it is


@contextlib.contextmanager
def hung_server():
    """(host, port) of a socket that accepts every connection and never answers: a hung service, as a client sees
    one. Closed on exit."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted, stop = [], threading.Event()

    def accept_and_never_answer():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_and_never_answer, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def refused_port():
    """A local port where nothing listens (a service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_a_request(work):
    """What `work()` returns when it runs inside cms.read_once's middleware (one request's memo), as a view would."""
    from cms.read_once import ReadOncePerRequestMiddleware

    answer = {}

    def view(request):
        answer["value"] = work()

    ReadOncePerRequestMiddleware(view)(object())
    return answer["value"]


def cached(client, url):
    """Request `url` until it is served from the page cache (the site's first request creates its navigation
    settings, a site-wide change that leaves that first render stale); returns the cached response."""
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.get("X-Page-Cache") == "hit":
            return response
    raise AssertionError(f"{url} never came from the cache")


def assert_tables_scroll_in_named_regions(html, where=""):
    """Every table in the page's main content has the site's table style and sits in a table-scroll box that a
    keyboard reaches (tabindex 0) and that is a region named by a heading or caption of the page; no other element
    of the page is named by the same heading (two landmarks of one name). Returns the number of tables."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    tables = page.select("main table")
    for table in tables:
        assert "table" in table.get("class", []), f"{where}: a table without the site's table style"
        box = table.parent
        assert "table-scroll" in box.get("class", []), f"{where}: a table outside a table-scroll box"
        assert (box.get("tabindex"), box.get("role")) == ("0", "region"), f"{where}: the box is not a region"
        label = box.get("aria-labelledby")
        name = page.find(id=label) if label else None
        assert name is not None and name.get_text(strip=True), f"{where}: the region has no name"
        named_alike = page.find_all(attrs={"aria-labelledby": label})
        assert named_alike == [box], f"{where}: {len(named_alike)} elements are named by #{label}"
    return len(tables)


def notifications_page_in(client, language):
    """The signed-in person's notifications page as read in `language`, through the real view."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    return response.content.decode()


def admin_viewer(user, *codenames, language="en"):
    """`user` as a staff member who may enter the admin and holds these permissions (e.g. "view_booking"), with the
    authenticator app the admin requires and the admin in `language`: no superuser shortcut, so a screen's own
    permission check is what lets them in."""
    from django.contrib.auth.models import Permission
    from wagtail.users.models import UserProfile

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=("access_admin", *codenames)))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
    return with_mfa(user)


def admin_moderator(user, language="en"):
    """`user` as a member of the Moderators group (accounts.staff), with the authenticator app the admin requires and
    the admin in `language`: what a moderator holds, through the group rather than permissions given one by one."""
    from django.contrib.auth.models import Group

    from accounts.staff import MODERATORS, ensure_staff_groups

    ensure_staff_groups()
    user = admin_viewer(user, language=language)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user
