"""What cannot change during a request, read once per request: the private sections of the site (pages with a
view restriction: cms.view_restrictions) and the content locales.

`ReadOncePerRequestMiddleware` opens an empty memo for each request; the readers fill it on first use. Outside a
request (tasks, the shell, management commands) there is no memo and every call reads afresh, as in Wagtail. A
change made during the request (a view restriction set, a locale added or removed) empties the part concerned, so
the rest of the request reads it again.

Locales: Wagtail looks the active locale up in the database each time it is asked (`Locale.get_active()`, through
`LocaleManager.get_for_language`): for every `localized` page or link, every translated list, every card's
language. A page asked for it seven to ten times per render. `remember_locales` makes that lookup read each
language once per request.
"""

import contextvars

_memo = contextvars.ContextVar("homeward_read_once", default=None)


class ReadOncePerRequestMiddleware:
    """Opens the request's memo (an empty box, filled by the first reader of each thing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def request_memo():
    """The current request's memo (a dict), or None outside a request."""
    return _memo.get()


def read_once(part, read):
    """`read()`, kept in the request's memo under `part` for the rest of the request; read afresh outside one."""
    memo = _memo.get()
    if memo is None:
        return read()
    if part not in memo:
        memo[part] = read()
    return memo[part]


def forget(part):
    """What `part` holds changed during this request: its next reader reads it again."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(part, None)


def forget_locales(**kwargs):
    """A locale was added, changed or removed (post_save, post_delete)."""
    forget("locales")


def remember_locales():
    """Make Wagtail's locale lookup by language read each language once per request (from CmsConfig.ready())."""
    from wagtail.models.i18n import LocaleManager

    wagtail_get_for_language = LocaleManager.get_for_language
    if getattr(wagtail_get_for_language, "read_once", False):
        return

    def get_for_language(manager, language_code):
        memo = _memo.get()
        if memo is None:
            return wagtail_get_for_language(manager, language_code)
        locales = memo.setdefault("locales", {})
        key = (manager.db, language_code)
        if key not in locales:
            # A language without a locale raises as in Wagtail, and is asked again next time.
            locales[key] = wagtail_get_for_language(manager, language_code)
        return locales[key]

    get_for_language.read_once = True
    get_for_language.__doc__ = wagtail_get_for_language.__doc__
    LocaleManager.get_for_language = get_for_language
