"""Every URL of the project's own apps is either public, about the signed-in person only, or in OBJECT_URLS.

For each object URL a signed-in member of *another* organisation gets 403 or
404 and nothing changes. The resolver walk at the end fails as soon as a new
URL of ours appears without being placed in one of the three lists.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import actions
from accounts.models import AuditEntry, Invitation, Membership, Organisation, Role, User
from notifications.models import Notification
from places.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

OWN_APPS = ("accounts.", "cms.", "marketplace.", "notifications.", "places.", "search.", "config.")

# name -> why anyone may see it.
PUBLIC_URLS = {
    "healthz": "load-balancer probe; says only whether services answer",
    "stripe_webhook": "Stripe's deliveries; authenticated by Stripe's signature, not by a session",
    "places:township_map": "public reference data (population, ageing) drawn on a map",
    "search_api:search": "public discovery; only published documents are indexed as public",
    "search_api:autocomplete": "public discovery suggestions from published documents",
    "search:page": "public discovery page",
    "search:map": "public discovery results on a township map (same query, counts only)",
    "robots_txt": "crawler rules for the public site",
}

# name -> (method, data). Staff screens inside the Wagtail admin:
# a signed-in person who is not staff is sent to sign in.
STAFF_URLS = {
    "places_import_priority_areas": ("post", {"csv_file": ""}),
    "townships:index": ("get", None),
    "townships:index_results": ("get", None),
}

# name -> (method, data). These act on request.user alone and take no object id; anonymous people are sent to sign in.
OWN_ACCOUNT_URLS = {
    "account_profile": ("post", {"display_name": "changed", "preferred_language": "en"}),
    "account_personal_data": ("get", None),
    "account_personal_data_download": ("get", None),
    "account_delete": ("post", {"email": "alice@example.tw"}),
    "organisations:list": ("get", None),
    "organisations:create": ("post", {"kind": "company", "name": "Made by an anonymous visitor"}),
    "notifications:list": ("get", None),
    "notifications:unread_count": ("get", None),
    "notifications:mark_all_read": ("post", {}),
    "cms:review_notices": ("get", None),
}


def _kwargs_slug(objects):
    return {"slug": objects["enterprise"].slug}


# name -> list of (method, kwargs(objects), data(objects)). Each row is tried by an outsider.
OBJECT_URLS = {
    "organisations:detail": [("get", _kwargs_slug, None)],
    "organisations:settings": [("get", _kwargs_slug, None), ("post", _kwargs_slug, lambda o: {"name": "Taken over"})],
    "organisations:members": [
        ("get", _kwargs_slug, None),
        ("post", _kwargs_slug, lambda o: {"email": "friend@example.tw", "role": "owner"}),
    ],
    "organisations:member_role": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["bob_membership"].pk}, lambda o: {"role": "owner"})
    ],
    "organisations:member_remove": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["bob_membership"].pk}, lambda o: {}),
        # A forged pair: the outsider's own organisation in the URL, a member of another one as the id.
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["bob_membership"].pk}, lambda o: {}),
    ],
    "organisations:leave": [("post", _kwargs_slug, lambda o: {})],
    "organisations:invitation_revoke": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["invitation"].pk}, lambda o: {}),
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["invitation"].pk}, lambda o: {}),
    ],
    # The token is the credential, but only for the address it was sent to.
    # Someone else's notification: opening it would mark it read.
    "notifications:open": [("get", lambda o: {"pk": o["notification"].pk}, None)],
    "invitation": [
        ("get", lambda o: {"token": o["invitation"].token}, None),
        ("post", lambda o: {"token": o["invitation"].token}, lambda o: {}),
    ],
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield entry, (f"{namespace}{entry.name}" if entry.name else None)


def own_url_patterns():
    found = []
    for pattern, name in _walk(get_resolver().url_patterns):
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        if module.startswith(OWN_APPS):
            found.append((name, str(pattern.pattern), module))
    return found


def test_every_url_of_our_apps_is_public_own_account_or_permission_tested():
    known = set(PUBLIC_URLS) | set(OWN_ACCOUNT_URLS) | set(OBJECT_URLS) | set(STAFF_URLS)
    unplaced = [(name, route, module) for name, route, module in own_url_patterns() if name not in known]

    assert unplaced == [], (
        "These URLs are in no list of tests/accounts/test_permissions.py: add each to PUBLIC_URLS (with the reason "
        "anyone may see it), OWN_ACCOUNT_URLS or OBJECT_URLS (with the request an outsider tries)."
    )


def test_the_lists_name_only_urls_that_exist():
    names = {name for name, _route, _module in own_url_patterns()}

    assert set(PUBLIC_URLS) | set(OWN_ACCOUNT_URLS) | set(OBJECT_URLS) | set(STAFF_URLS) <= names


@pytest.fixture
def objects(enterprise, alice, bob, mallory):
    invitation = actions.invite_member(alice, enterprise, email="friend@example.tw", role=Role.EDITOR)
    return {
        "enterprise": enterprise,
        "bob_membership": Membership.objects.get(user=bob, organisation=enterprise),
        "invitation": invitation,
        "outsider_org": mallory.organisations.get(),
        "outsider": mallory,
        "notification": Notification.objects.create(recipient=alice, kind=Notification.Kind.NEW_INTEREST, title="私"),
    }


def snapshot():
    return {
        "organisations": sorted(Organisation.objects.values_list("id", "name", "slug", "kind")),
        "memberships": sorted(Membership.objects.values_list("id", "user_id", "organisation_id", "role")),
        "invitations": sorted(Invitation.objects.values_list("id", "email", "role", "accepted_at")),
        "users": sorted(User.objects.values_list("id", "email", "display_name", "preferred_language")),
        "audit": AuditEntry.objects.count(),
        "notifications_read": sorted(Notification.objects.values_list("id", "read_at")),
        "priority_areas": sorted(Township.objects.priority_areas().values_list("code", flat=True)),
    }


OBJECT_CASES = [(name, index) for name, rows in OBJECT_URLS.items() for index in range(len(rows))]


@pytest.mark.parametrize(("name", "index"), OBJECT_CASES, ids=[f"{n}-{i}" for n, i in OBJECT_CASES])
def test_a_member_of_another_organisation_is_refused_and_nothing_changes(client, objects, name, index):
    method, kwargs, data = OBJECT_URLS[name][index]
    url = reverse(name, kwargs=kwargs(objects))
    client.force_login(objects["outsider"])
    before = snapshot()

    response = getattr(client, method)(url, data(objects) if data else None)

    assert response.status_code in (403, 404), f"{method.upper()} {url} answered {response.status_code}"
    assert snapshot() == before


@pytest.mark.parametrize(("name", "index"), OBJECT_CASES, ids=[f"{n}-{i}" for n, i in OBJECT_CASES])
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(client, objects, name, index):
    method, kwargs, data = OBJECT_URLS[name][index]
    url = reverse(name, kwargs=kwargs(objects))
    before = snapshot()

    response = getattr(client, method)(url, data(objects) if data else None)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", list(OWN_ACCOUNT_URLS))
def test_own_account_pages_need_a_signed_in_person(client, objects, name):
    method, data = OWN_ACCOUNT_URLS[name]
    before = snapshot()

    response = getattr(client, method)(reverse(name), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


def test_an_editor_sees_the_members_but_cannot_manage_them(client, objects, bob, alice):
    client.force_login(bob)
    alice_membership = Membership.objects.get(user=alice, organisation=objects["enterprise"])
    alice_keys = {"slug": objects["enterprise"].slug, "pk": alice_membership.pk}
    before = snapshot()

    assert client.get(reverse("organisations:members", kwargs=_kwargs_slug(objects))).status_code == 200
    denied = [
        client.post(reverse("organisations:members", kwargs=_kwargs_slug(objects)), {"email": "x@example.tw"}),
        client.post(
            reverse("organisations:member_role", kwargs=alice_keys),
            {"role": "editor"},
        ),
        client.post(reverse("organisations:member_remove", kwargs=alice_keys)),
        client.post(
            reverse(
                "organisations:invitation_revoke",
                kwargs={"slug": objects["enterprise"].slug, "pk": objects["invitation"].pk},
            )
        ),
    ]

    assert [response.status_code for response in denied] == [403, 403, 403, 403]
    assert snapshot() == before


def test_members_reach_their_organisation_pages(client, objects, bob):
    client.force_login(bob)
    for name in ("organisations:detail", "organisations:settings", "organisations:members"):
        response = client.get(reverse(name, kwargs=_kwargs_slug(objects)))
        assert response.status_code == 200, name
        assert objects["enterprise"].name in response.text


@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_staff_screens_refuse_people_who_are_not_staff(client, objects, name):
    method, data = STAFF_URLS[name]
    client.force_login(objects["outsider"])
    before = snapshot()

    response = getattr(client, method)(reverse(name), data)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("account_login") in response["Location"] or "/admin/login/" in response["Location"]
    assert snapshot() == before
