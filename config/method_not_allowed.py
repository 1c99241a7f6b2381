"""A form's address opened as a page (reloaded after the form was refused there, picked from the browser's history, a
bookmark, a link pasted from an email) answers 405 with Django's empty body: a blank page. For such a page request
(GET or HEAD, outside the admins and the JSON endpoints) the site says what happened and leads on, with the same
status and Allow header; what asked for JSON keeps Django's answer.
"""

from django.shortcuts import render

from accounts.middleware import ADMIN_PREFIXES


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not response.content
            and not request.path.startswith(ADMIN_PREFIXES)
            and "json" not in request.headers.get("Accept", "")
        ):
            page = render(request, "405.html", status=405)
            if "Allow" in response:
                page["Allow"] = response["Allow"]
            return page
        return response
