"""Addresses that machines read answer every refusal in JSON, in the request's language, never with an HTML page.

`json_endpoint("GET")` on a view that answers JSON: another method gets 405 with the allowed ones (and an `Allow`
header), something missing (Http404) gets 404, a body past DATA_UPLOAD_MAX_MEMORY_SIZE gets 413, each as
{"error": reason, "code": code}. Without it Django answers those with an empty body or an HTML page, which a device,
a script or the page's own fetch cannot read.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _


def json_refusal(status, code, message, **headers):
    response = JsonResponse({"error": message, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def json_endpoint(*methods):
    allowed = tuple(method.upper() for method in methods) or ("GET",)
    if "GET" in allowed and "HEAD" not in allowed:
        allowed = (*allowed, "HEAD")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in allowed:
                return json_refusal(
                    405,
                    "method_not_allowed",
                    _("This address answers %(methods)s requests only.") % {"methods": ", ".join(allowed)},
                    Allow=", ".join(allowed),
                )
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return json_refusal(404, "not_found", _("There is nothing public at this address."))
            except RequestDataTooBig:
                return json_refusal(
                    413,
                    "too_large",
                    _("The body is larger than the %(size)d kB this address accepts.")
                    % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
                )

        if set(allowed) <= {"GET", "HEAD", "OPTIONS"}:
            # It refuses every method that could change something before the view runs, so the CSRF check (which
            # would answer PUT or DELETE with its HTML page first) has nothing to protect.
            wrapped.csrf_exempt = True
        return wrapped

    return decorator


def json_sign_in_required(view):
    """Like login_required, for a view that answers JSON to the page's own fetch: a signed-out caller gets 401 with
    the reason in JSON, not a redirect to the sign-in page's HTML."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_refusal(401, "sign_in_required", _("Sign in to read this."))
        return view(request, *args, **kwargs)

    return wrapped
