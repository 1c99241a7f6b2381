"""Browser sessions for the Playwright journeys (tests/browser)."""


def signed_in_context(chromium, user, server_url, **options):
    """A browser context with `user`'s session cookie (signing in through the form is tested elsewhere); `options`
    go to Playwright's new_context (a browser's time zone, say)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = chromium.new_context(**{"locale": "zh-TW", **options})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    context.set_default_timeout(15_000)
    return context
