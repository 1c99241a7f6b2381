"""The addresses machines read (the device API, the search API, the .json figures) answer every refusal in JSON
with a reason in the request's language: another method, something missing, a body too large. Django's own
answers were an empty 405, a CSRF page for PUT or DELETE, and the HTML 404 page."""

import pytest
from django.test import Client

from tests.factories.traceability import device_with_token

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def outsider():
    return Client(enforce_csrf_checks=True)  # as a script outside the site: no CSRF cookie, no session


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/trace/readings/", "POST"),
        ("put", "/api/trace/readings/", "POST"),
        ("get", "/stripe/webhook/", "POST"),
        ("post", "/api/search/", "GET, HEAD"),
        ("delete", "/api/search/autocomplete/", "GET, HEAD"),
        ("post", "/ja/projects/1/funding.json", "GET, HEAD"),
        ("put", "/ja/trace/projects/1/readings.json", "GET, HEAD"),
        ("post", "/ja/impact/impact.json", "GET, HEAD"),
    ],
)
def test_another_method_is_refused_in_json_with_the_allowed_ones(outsider, method, path, allowed):
    response = getattr(outsider, method)(path, HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response.json()["code"] == "method_not_allowed"
    assert "リクエスト" in response.json()["error"], "in the language of the address, else of Accept-Language"


@pytest.mark.parametrize(
    "path",
    [
        "/en/projects/999999/funding.json",
        "/en/trace/projects/999999/readings.json",
        "/en/trace/b/NOPE/chain.json",
        "/trace/digests/2026-99-99.json",
        "/trace/digests/2026-01-01.json",
    ],
)
def test_something_missing_is_a_json_404(outsider, path):
    response = outsider.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "There is nothing public at this address.", "code": "not_found"}


def test_a_missing_project_is_said_in_the_language_of_the_address(outsider):
    response = outsider.get("/zh-hant/projects/999999/funding.json")

    assert response.status_code == 404 and "公開" in response.json()["error"]


def test_a_device_body_past_the_upload_limit_is_a_json_413(outsider, listing, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    _device, token = device_with_token(alice, listing)
    body = '{"readings": [' + ",".join(['{"measure": "water_temperature"}'] * 200) + "]}"

    response = outsider.post(
        "/api/trace/readings/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    assert response.json() == {"error": "The body is larger than the 4 kB this address accepts.", "code": "too_large"}
