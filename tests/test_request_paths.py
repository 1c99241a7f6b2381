"""A NUL character in a request path (%00) is answered "not found", never a 500: PostgreSQL refuses NUL in any
text, and the views taking a slug, code or token from the path looked it up as it came."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.mark.parametrize(
    "path",
    [
        "/zh-hant/enterprises/%00/",
        "/zh-hant/enterprises/a%00b/payouts/",
        "/zh-hant/organisations/%00/",
        "/zh-hant/invitations/%00/",
        "/zh-hant/trace/b/%00/",
        "/zh-hant/trace/batches/%00/",
        "/zh-hant/people/o/%00/",
        "/zh-hant/marketplace/companies/%00/ties/",
        "/zh-hant/impact/companies/%00/",
        "/zh-hant/experiences/manage/new/%00/",
    ],
)
def test_a_nul_in_the_path_is_not_found(client, alice, path):
    client.force_login(alice)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 404
    assert '<html lang="zh-Hant-TW">' in response.content.decode(), "the site's own 404 page"
