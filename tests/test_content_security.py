"""Content-Security-Policy and Permissions-Policy on every response; no inline code in the public pages.

The public policy allows scripts and styles from this host only, so an inline <script>, an on*= handler, a
javascript: URL or a style= attribute in our templates would be refused by the browser (and is refused here first).
Data blocks (<script type="application/json"> or "application/ld+json") are not executed, so CSP lets them be.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.urls import reverse

from config.security import media_origin_from, picture_origin, public_policy
from tests.factories.payments import pending_donation, record_payment

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def directives(header):
    return {
        part.split()[0]: part.split()[1:] for part in (piece.strip() for piece in header.split(";")) if part.strip()
    }


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: inline scripts, handler attributes, javascript: URLs, style=."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            self._in_inline_script = "src" not in attributes and kind not in DATA_SCRIPT_TYPES
        if tag == "style":
            self.found.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_strict_headers(response):
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Payment forms are answered with a redirect to Stripe, which browsers check against form-action too.
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com", "https://connect.stripe.com"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    assert policy["frame-src"] == [
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def public_urls(listing, market, alice):
    from payments.models import Backing

    backing = pending_donation(listing, 800, backer=alice, status=Backing.Status.PAID)
    entry = record_payment(backing, receipt_number="HW-2026-000001")
    return {
        "home": ("/zh-hant/", None),
        "home in English": ("/en/", None),
        "project": (listing.project.url, None),
        "search": (reverse("search:page") + "?q=魚塭", None),
        "search map": (reverse("search:map") + "?q=魚塭", None),
        "impact": (reverse("impact:page"), None),
        "township": (market["rice"].get_parent().url, None),
        "company impact report": (
            reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug}),
            market["dave"],
        ),
        "receipt": (reverse("payments:receipt", kwargs={"pk": entry.pk}), alice),
        "sign-in": (reverse("account_login"), None),
    }


def test_public_pages_send_the_strict_policy_and_carry_no_inline_code(client, public_urls):
    problems = {}
    for name, (url, person) in public_urls.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} answered {response.status_code}"
        assert_strict_headers(response)
        if found := inline_code(response.text):
            problems[name] = found

    assert problems == {}


def test_the_print_button_is_a_data_attribute_the_shell_script_handles(client, public_urls):
    url, person = public_urls["receipt"]
    client.force_login(person)

    html = client.get(url).text

    assert re.search(r"<button[^>]*\bdata-print\b", html)
    assert "onclick" not in html


def test_the_checker_finds_inline_code():
    """The parser above must be able to fail: each kind of inline code is found, data blocks are not."""
    html = (
        '<script>alert(1)</script><button onclick="x()">b</button><a href="javascript:x()">a</a>'
        '<span style="width: 5%"></span><script type="application/ld+json">{"@type": "Thing"}</script>'
        '<script src="/static/js/shell.js"></script>'
    )

    found = inline_code(html)

    assert len(found) == 4 and all("ld+json" not in item for item in found)


def test_errors_and_redirects_carry_the_policy_too(client, db):
    for response in (client.get("/zh-hant/no-such-page/"), client.get("/")):
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_the_admin_has_its_own_documented_additions(client, db):
    response = client.get("/admin/login/")

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "blob:" in policy["img-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # the page editor's preview panel
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]


def test_pictures_on_object_storage_are_allowed_from_its_public_address():
    cdn = {"public_endpoint_url": "https://media.example.org/", "endpoint_url": "http://minio:9000"}
    aws = {"public_endpoint_url": None, "endpoint_url": None, "bucket_name": "hw", "region_name": "ap-northeast-1"}

    assert public_policy(picture_origin(cdn))["img-src"] == ["'self'", "data:", "https://media.example.org"]
    assert picture_origin(aws) == "https://hw.s3.ap-northeast-1.amazonaws.com"
    assert media_origin_from("") is None and media_origin_from("not a url") is None


@override_settings(PERMISSIONS_POLICY="geolocation=(self)")
def test_the_permissions_policy_comes_from_settings(client, db):
    assert client.get("/").headers["Permissions-Policy"] == "geolocation=(self)"


def test_the_policy_built_once_is_django_csps_own_and_follows_the_settings(client, db):
    """config.security keeps the built header per process; it must equal what django-csp builds, per kind of page,
    and a changed setting must be read again."""
    from csp.utils import build_policy

    from config.security import ADMIN_POLICY_REPLACE, ADMIN_POLICY_UPDATE

    for _ in range(2):  # built, then kept
        assert client.get("/zh-hant/no-such-page/")["Content-Security-Policy"] == build_policy()
        assert client.get("/admin/login/")["Content-Security-Policy"] == build_policy(
            update=ADMIN_POLICY_UPDATE, replace=ADMIN_POLICY_REPLACE
        )
    stricter = {"DIRECTIVES": {**public_policy(), "img-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=stricter, CONTENT_SECURITY_POLICY_REPORT_ONLY=stricter):
        response = client.get("/zh-hant/no-such-page/")
        assert directives(response["Content-Security-Policy"])["img-src"] == ["'self'"]
        assert directives(response["Content-Security-Policy-Report-Only"])["img-src"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in client.get("/zh-hant/no-such-page/")


def test_a_per_view_policy_still_goes_through_django_csp(rf):
    from django.http import HttpResponse

    from config.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://maps.example.org"]}
        return response

    request = rf.get("/zh-hant/")
    middleware = SecurityHeadersMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    assert "https://maps.example.org" in directives(response["Content-Security-Policy"])["img-src"]
    assert "'nonce-" not in response["Content-Security-Policy"]
