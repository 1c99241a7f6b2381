"""The permission suite's admin sweep: every URL of Wagtail's admin and Django's admin that takes no argument.

- A signed-in person without admin access is sent to sign in (or refused): never a page, never a 500.
- A member of Wagtail's Editors group (with a second factor) is refused the money screens: the ledger, refunds,
  payouts and Stripe's events.
- Everyone who can open an admin (is_staff, is_superuser, or wagtailadmin.access_admin through a group) and has no
  second factor is sent to set one up (accounts.middleware.StaffMFAMiddleware) instead of reaching the admin.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.middleware import ADMIN_LOGIN_PATHS, ADMIN_PREFIXES
from accounts.staff import EDITORS, reaches_an_admin
from tests.factories.accounts import UserFactory
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Admin pages anyone may open, by design: the admins' own sign-in forms (they send people to the site's sign-in,
# where the second factor is asked) and Wagtail's password reset (it mails a link to the address typed, and
# answers the same whether or not an account exists).
OPEN_BY_DESIGN = {
    "wagtailadmin_login",
    "admin:login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete",
    # Static assets the sign-in page itself needs: the icon sprite and the admin's JavaScript translations.
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}

# The money screens: only superusers and groups given their permissions reach them.
MONEY_PREFIXES = ("ledger:", "stripe_events:", "backings_admin:")


def _names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _names(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def admin_urls():
    """{name: path} of every admin URL that takes no argument (Wagtail's, ours inside it, Django's)."""
    found = {}
    for name in _names(get_resolver().url_patterns):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url.startswith(ADMIN_PREFIXES) and name not in OPEN_BY_DESIGN:
            found.setdefault(name, url)
    return found


ADMIN_URLS = admin_urls()
MONEY_URLS = {name: url for name, url in ADMIN_URLS.items() if name.startswith(MONEY_PREFIXES)}


def test_the_sweep_sees_the_admin_and_the_money_screens():
    assert len(ADMIN_URLS) > 100
    assert {"wagtailadmin_home", "wagtailadmin_explore_root", "admin:index"} <= set(ADMIN_URLS)
    assert {"ledger:index", "ledger:refund", "ledger:record_payout", "stripe_events:index"} <= set(MONEY_URLS)
    assert "backings_admin:index" in MONEY_URLS


def _sent_to_sign_in_or_refused(client, response, hops=2):
    """403, or a redirect to sign in; a redirect to another admin page (Django's admin logout sends to its index)
    is followed, and that page must refuse too."""
    if response.status_code == 403:
        return True
    if response.status_code != 302:
        return False
    location = response["Location"]
    if location.startswith(reverse("account_login")) or location.startswith(ADMIN_LOGIN_PATHS):
        return True
    if hops and location.startswith(ADMIN_PREFIXES):
        return _sent_to_sign_in_or_refused(client, client.get(location), hops - 1)
    return False


@pytest.fixture
def admin_capable_without_mfa(db):
    """The three ways to reach an admin, none with a second factor."""
    editor = UserFactory(email="no-mfa-editor@example.tw")
    editor.groups.add(Group.objects.get(name=EDITORS))
    people = {
        "is_staff": UserFactory(email="no-mfa-staff@example.tw", is_staff=True),
        "is_superuser": UserFactory(email="no-mfa-root@example.tw", is_superuser=True),
        "Editors group": editor,
    }
    assert all(reaches_an_admin(person) for person in people.values())
    return people


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_the_admin_refuses_people_without_admin_access(client, name):
    url = ADMIN_URLS[name]
    client.force_login(UserFactory(email="citizen@example.tw"))

    response = client.get(url)

    assert _sent_to_sign_in_or_refused(client, response), f"GET {url} ({name}) answered {response.status_code}"


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_admin_capable_people_without_a_second_factor_are_sent_to_set_one_up(client, admin_capable_without_mfa, name):
    url = ADMIN_URLS[name]
    for kind, person in admin_capable_without_mfa.items():
        client.force_login(person)

        response = client.get(url)

        assert response.status_code == 302, f"{kind}: GET {url} ({name}) answered {response.status_code}"
        assert response["Location"].startswith(reverse("mfa_activate_totp")), (kind, url, response["Location"])


@pytest.mark.parametrize("name", list(MONEY_URLS))
def test_editors_do_not_reach_the_money_screens(client, name):
    url = MONEY_URLS[name]
    editor = with_mfa(UserFactory(email="editor@example.tw"))
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # an editor does reach the admin

    for method in ("get", "post"):
        response = getattr(client, method)(url)

        assert response.status_code in (302, 403), f"{method.upper()} {url} ({name}) answered {response.status_code}"
        if response.status_code == 302:
            # Wagtail sends people without the permission back to the dashboard, with a message.
            assert response["Location"] in (reverse("wagtailadmin_home"), "/admin/"), response["Location"]


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_a_signed_in_person_without_admin_access_lands_on_the_sign_in_page_not_in_a_loop(client, language):
    """The sign-in page sent a signed-in person straight back to `next` (/admin/), which sent them to sign in again:
    the browser stopped on "too many redirects". They see the sign-in form and why, and may use another account."""
    from django.utils import translation

    client.force_login(UserFactory(email="citizen@example.tw"))
    with translation.override(language):
        login_url = reverse("account_login")
        message = translation.gettext("You do not have permission to access the admin.")

    response = client.get("/admin/", follow=True, headers={"accept-language": language})

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(login_url)
    assert message in response.text  # in the reader's language: Wagtail's zh_Hant and ja catalogs lack it
    assert (message == "You do not have permission to access the admin.") == (language == "en")
    assert 'name="password"' in response.text
