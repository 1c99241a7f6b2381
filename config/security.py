"""Content-Security-Policy and Permissions-Policy on every response.

The public site runs no inline code: every script is a file under /static/ (``script-src 'self'``), every style a
stylesheet (``style-src 'self'``; widths and colours that depend on data are SVG attributes, not ``style=``).
Media comes from this host or, with object storage, from its public address (``MEDIA_PUBLIC_ENDPOINT_URL``).
Websockets (Channels) reach the same host: CSP Level 3 lets ``connect-src 'self'`` match ws:/wss: of the page's
own host, so no scheme-wide ``ws:``/``wss:`` is needed (that would allow sockets to any host).

Wagtail's admin (``/admin/``) and Django's (``/django-admin/``) are other programs: their templates carry inline
``<script>`` blocks (e.g. the admin's ``wagtailConfig``/telepath data and Django's "popup response" pages) and
``style=`` attributes, so ADMIN_CSP adds what they need there only, for people who signed in with two factors.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")

# What the Wagtail and Django admins need beyond the public policy (tests/browser/test_content_security.py walks the
# page editor, image chooser and upload under it and fails on any violation):
# - style-src 'unsafe-inline': Wagtail's editor and choosers write style= attributes into their markup (panel
#   widths, the rich-text toolbar's position, the focal-point picker) and Django's admin templates carry some.
# - script-src 'unsafe-inline': Django's admin popups answer with an inline <script> (popup_response.html), and
#   Wagtail's sidebar and page chooser rely on inline scripts in some views. No 'unsafe-eval'.
# - img-src blob:: image uploads preview the chosen file from a blob: URL before it is sent.
ADMIN_POLICY_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
}
ADMIN_POLICY_UPDATE = {"img-src": ["blob:"]}

# Features no page of ours uses: nobody may use them, not even an embedded page. (The "nearest" sort takes a
# township, not the browser's position, so geolocation is off too.)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


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
        "frame-src": [NONE],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }


def media_origin_from(url):
    """The scheme://host[:port] of an object store's public address, or None."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the admins' own additions, plus the Permissions-Policy header."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            return PolicyParts(
                config=parts.config,
                update={**ADMIN_POLICY_UPDATE, **(parts.update or {})},
                replace={**ADMIN_POLICY_REPLACE, **(parts.replace or {})},
                nonce=parts.nonce,
            )
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", PERMISSIONS_POLICY)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
