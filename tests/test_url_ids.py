"""An id in a URL that no database key can hold is a 404, never a 500.

Found by typing /zh-hant/projects/99999999999999999999/donate/ on `make run`: Django's `int` converter let the number
through and SQLite raised OverflowError (PostgreSQL happens to compare it). Every id in our URLs goes through
core.url_converters' `id`, which does not match past 2**63 - 1.
"""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import translation

from core.url_converters import LARGEST_DATABASE_ID

TOO_LARGE = str(LARGEST_DATABASE_ID + 1)
SAMPLES = {"id": TOO_LARGE, "int": TOO_LARGE, "str": "sample", "slug": "sample", "day": "2026-12-07", "path": "x"}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _ours(pattern, route):
    """A page of our apps (not the admin's, Wagtail's, allauth's or Django's own)."""
    foreign = pattern.callback.__module__.split(".")[0] in ("wagtail", "allauth", "django")
    return not foreign and not route.startswith(("admin/", "django-admin/"))


def _routes(patterns, prefix=""):
    """(route with every parameter filled in, the pattern's name, whether it takes an id) for our own patterns."""
    for pattern in patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            part = "zh-hant/"
        elif isinstance(pattern.pattern, RoutePattern):
            part = pattern.pattern._route
        else:  # a regex pattern (Wagtail's own): not ours
            continue
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + part)
        elif isinstance(pattern, URLPattern) and _ours(pattern, prefix + part):
            route = prefix + part
            takes_id = any(m["converter"] in ("id", "int") for m in PARAMETER.finditer(route))
            filled = PARAMETER.sub(lambda m: SAMPLES[m["converter"] or "str"], route)
            yield "/" + filled, pattern.name, takes_id


def _id_routes():
    with translation.override("zh-hant"):
        return [(url, name) for url, name, takes_id in _routes(get_resolver().url_patterns) if takes_id]


def test_our_urls_take_ids_through_the_bounded_converter():
    routes = _id_routes()

    assert len(routes) > 90  # projects, backings, organisations, experiences, plans, batches, …
    for url, name in routes:
        try:
            reached = resolve(url).url_name
        except Resolver404:  # no match at all is a 404 too
            reached = None
        assert reached != name, f"{url} still reaches {name}"


def test_an_id_at_the_limit_still_matches():
    match = resolve(f"/zh-hant/projects/{LARGEST_DATABASE_ID}/donate/")

    assert (match.url_name, match.kwargs) == ("donate", {"project_id": LARGEST_DATABASE_ID})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/zh-hant/projects/{TOO_LARGE}/donate/",
        f"/en/backings/{TOO_LARGE}/",
        f"/ja/experiences/{TOO_LARGE}/",
        f"/zh-hant/projects/{'9' * 40}/checkout/success/",
    ],
)
def test_a_huge_id_is_a_404_for_visitors_and_signed_in_people(client, url, alice):
    assert client.get(url).status_code in (302, 404)  # a sign-in page first where the page is personal
    client.force_login(alice)
    assert client.get(url).status_code == 404
