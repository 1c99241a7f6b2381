"""A form's address opened as a page (reloaded after a refusal there, from the browser's history, a bookmark) shows
the site's page saying so, in the page's language, with Django's 405 status and Allow header; JSON callers and the
admins keep Django's own answer."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("zh-hant", "這個網址只接收表單"),
        ("en", "This address takes a form"),
        ("ja", "このアドレスはフォームの送信先です"),
    ],
)
def test_a_form_address_opened_as_a_page_says_what_it_is_in_the_pages_language(client, alice, language, heading):
    client.force_login(alice)
    with translation.override(language):
        url = reverse("experiences:book", kwargs={"pk": 1})

    response = client.get(url)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    text = response.content.decode()
    assert heading in text
    assert f'href="/{language}/"' in text, "a way on: the home page in the same language"


def test_a_json_caller_keeps_djangos_empty_405(client, alice):
    client.force_login(alice)
    response = client.get(reverse("experiences:book", kwargs={"pk": 1}), HTTP_ACCEPT="application/json")
    assert response.status_code == 405 and response.content == b""


# Pages that named no method took any: a PUT, DELETE or made-up method ran the page's code as if it were a GET (or, on
# a form, showed the form) and answered 200. Every other page of the site refuses what it does not take.
PAGES_AND_THEIR_METHODS = [
    ("plans:list", {}, "GET, HEAD"),
    ("plans:detail", {"pk": 1}, "GET, HEAD"),
    ("plans:new", {}, "GET, POST"),
    ("plans:edit", {"pk": 1}, "GET, POST"),
    ("places:township_map", {}, "GET, HEAD"),
    ("datahub:time_series", {"indicator": "population", "code": "10013"}, "GET, HEAD"),
    ("impact:page", {}, "GET, HEAD"),
    ("impact:csv", {}, "GET, HEAD"),
    ("robots_txt", {}, "GET, HEAD"),
    ("cms:review_notices", {}, "GET, HEAD"),
    ("payments:commitment_paid", {"pk": 1}, "GET, HEAD"),
]


@pytest.mark.parametrize(("name", "kwargs", "allowed"), PAGES_AND_THEIR_METHODS)
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_page_refuses_a_method_it_does_not_take(client, alice, name, kwargs, allowed, method):
    client.force_login(alice)
    url = reverse(name, kwargs=kwargs)

    response = getattr(client, method)(url, data="title=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 405
    assert response["Allow"] == allowed


def test_a_made_up_method_is_refused_too(client, alice):
    client.force_login(alice)
    response = client.generic("FOO", reverse("plans:list"))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "robots_txt",
        "plans:list",
        "impact:page",
        # Pages that took GET only (require_GET) refused HEAD with 405.
        "search:page",
        "search:map",
        "people:index",
        "experiences:list",
        "policy:issue_list",
        "healthz",
    ],
)
def test_a_read_only_page_still_answers_head(client, name):
    """Uptime monitors, link checkers and link previews ask with HEAD."""
    response = client.head(reverse(name))
    assert response.status_code == 200
