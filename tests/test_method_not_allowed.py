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
