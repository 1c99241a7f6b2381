"""A request path holding a NUL character names nothing Homeward has: it is answered "not found" before any view
looks it up. Without this, every view taking a slug, code or token from the path (/enterprises/<slug>/,
/trace/b/<code>/, /invitations/<token>/, …) passed the NUL to PostgreSQL, which refuses it in any text: a 500.
(Query strings and form fields need no such guard: Django's form fields refuse NUL with their own message.)
"""

from django.http import Http404


class NulPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404  # Django's handler turns it into the site's 404 page
        return self.get_response(request)
