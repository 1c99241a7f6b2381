"""Content-Security-Policy and Permissions-Policy on every response.

The public site runs no inline code: every script is a file under /static/ (``script-src 'self'``), every style a
stylesheet (``style-src 'self'``; widths and colours that depend on data are SVG attributes, not ``style=``).
Media comes from this host or, with object storage, from its public address (``MEDIA_PUBLIC_ENDPOINT_URL``).
Websockets (Channels) reach the same host: CSP Level 3 lets ``connect-src 'self'`` match ws:/wss: of the page's
own host, so no scheme-wide ``ws:``/``wss:`` is needed (that would allow sockets to any host).

Wagtail's admin (``/admin/``) and Django's (``/django-admin/``) are other programs: they run inline scripts and
insert inline styles, so ADMIN_POLICY_REPLACE allows those there only, for people who signed in with two factors.
"""

from dataclasses import asdict
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
VIDEO_PLAYERS = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]

# What the Wagtail and Django admins need beyond the public policy, measured in Chromium under the public policy
# (tests/browser/test_content_security.py walks the dashboard, page explorer, page editor with a rich-text block and
# the image chooser, the image library and upload, users, and Django's admin, and fails on any violation):
# - script-src 'unsafe-inline': Wagtail's pages carry inline <script> blocks (the explorer, the page editor's
#   panels), and its modals (the image chooser) arrive as HTML whose <script> jQuery runs as inline code; under
#   'self' alone the chooser never opens. Nonces cannot cover scripts that jQuery inserts. No 'unsafe-eval'.
# - style-src 'unsafe-inline': Wagtail's vendor bundle inserts <style> elements (the rich-text editor, tooltips).
# - img-src blob:: the multiple-image upload previews each chosen file from a blob: URL before it is sent.
# Everything else stays as strict as the public site (object-src 'none', base-uri and
# form-action 'self', pictures from this host or the media store). Only people who signed in with two factors
# reach these pages (accounts.middleware.StaffMFAMiddleware).
# - frame-src and frame-ancestors 'self': the page editor shows its live preview in a frame of the admin's own
#   preview address.
ADMIN_POLICY_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-src": [SELF, *VIDEO_PLAYERS],
    "frame-ancestors": [SELF],
}
ADMIN_POLICY_UPDATE = {"img-src": ["blob:"]}

# Features no page of ours uses: nobody may use them, not even an embedded page. The "nearest" sort takes a
# township, not the browser's position, so geolocation is off too; sign-in uses TOTP codes, not passkeys (allow
# publickey-credentials-get=(self) if MFA_SUPPORTED_TYPES ever gains "webauthn"). Autoplay, fullscreen,
# encrypted-media and picture-in-picture keep the browser's defaults: the story videos' players use them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


# Where our forms' redirects lead: Stripe Checkout (donations, subscriptions) and Connect onboarding (account links).
STRIPE_REDIRECT_TARGETS = ("https://checkout.stripe.com", "https://connect.stripe.com")


def public_policy(media_origin=None):
    """The policy of the public site (settings.CONTENT_SECURITY_POLICY's DIRECTIVES)."""
    img_src = [SELF, "data:"]
    if media_origin:
        img_src.append(media_origin)
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": img_src,
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        # Story videos (cms.blocks.VideoBlock): the players of the two hosts editors use; any other provider's
        # embed is refused by the browser, and its oEmbed scripts by script-src.
        "frame-src": VIDEO_PLAYERS,
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        # A form that starts a payment or a payout set-up is answered with a redirect to Stripe, and browsers apply
        # form-action to the redirects that follow a submission: without these hosts no one could pay.
        "form-action": [SELF, *STRIPE_REDIRECT_TARGETS],
        "base-uri": [SELF],
        "object-src": [NONE],
    }


def media_origin_from(url):
    """The scheme://host[:port] of an address, or None."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def picture_origin(storage_options):
    """Where browsers load pictures from when media live on object storage (config.storage.MediaStorage.url): the
    public endpoint (a CDN, MinIO, a proxy), or else the bucket's own AWS address."""
    endpoint = storage_options.get("public_endpoint_url") or storage_options.get("endpoint_url")
    if endpoint:
        return media_origin_from(endpoint)
    return f"https://{storage_options['bucket_name']}.s3.{storage_options['region_name']}.amazonaws.com"


def in_an_admin(request):
    """An admin page, or the page editor's preview: Wagtail renders the previewed page through a dummy request for
    the page's own public path (Page.make_preview_request marks it is_dummy, then is_preview), and the editor
    shows the answer in a frame of the admin."""
    if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
        return True
    return request.path_info.startswith(ADMIN_PREFIXES)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the admins' own additions, plus the Permissions-Policy header."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and in_an_admin(request):
            return PolicyParts(
                config=parts.config,
                update={**ADMIN_POLICY_UPDATE, **(parts.update or {})},
                replace={**ADMIN_POLICY_REPLACE, **(parts.replace or {})},
                nonce=parts.nonce,
            )
        return parts

    def process_response(self, request, response):
        if _shares_the_policy(request, response):
            response = self._set_shared_policy(request, response)
        else:
            response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", PERMISSIONS_POLICY)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response

    def _set_shared_policy(self, request, response):
        """What django-csp's process_response does, with the policy built once per process and kind of page.

        Building the header from the settings' directives took 3 % of a web process's time, the same string for
        every response that uses no nonce and no per-view policy (this site uses neither)."""
        if response.status_code in (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND) and settings.DEBUG:
            return response
        admin = in_an_admin(request)
        headers = _shared_policies.get(admin)
        if headers is None:
            headers = _shared_policies[admin] = [
                self._shared_header(request, response, *kind) for kind in POLICY_HEADERS
            ]
        for header, policy, excluded in headers:
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written raises an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _shared_header(self, request, response, header, setting, report_only):
        """(header, its policy, the URL prefixes left without it), from the settings."""
        parts = self.get_policy_parts(request, response, report_only=report_only)
        excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        return header, build_policy(**asdict(parts), report_only=report_only), excluded


POLICY_HEADERS = (
    (HEADER, "CONTENT_SECURITY_POLICY", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)
PER_VIEW_POLICY = tuple(
    f"_csp_{part}{kind}" for part in ("config", "update", "replace", "exempt") for kind in ("", "_ro")
)

_shared_policies = {}  # in an admin or not -> [(header, policy, URL prefixes left without it)] for both headers


def _shares_the_policy(request, response):
    """No nonce used and no per-view policy (django-csp's decorators): the header is the settings' one."""
    if getattr(request, "_csp_nonce", None) is not None:
        return False
    return not any(hasattr(response, attribute) for attribute in PER_VIEW_POLICY)


@receiver(setting_changed)
def _forget_shared_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _shared_policies.clear()
