import json
import logging
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from payments import webhooks
from payments.models import StripeEvent
from tests.factories.stripe import deliver, sign, stripe_event

pytestmark = pytest.mark.postgres


@pytest.fixture
def secret(settings):
    return settings.STRIPE_WEBHOOK_SECRET


@pytest.fixture
def counted_handler():
    """A handler for a test-only event type that records each run and takes a moment, like a real one."""
    runs = []
    lock = threading.Lock()

    def handle(event):
        time.sleep(0.05)
        with lock:
            runs.append(event.stripe_id)

    webhooks.HANDLERS["homeward.test.counted"] = handle
    yield runs
    del webhooks.HANDLERS["homeward.test.counted"]


@pytest.fixture
def failing_handler():
    state = {"fail": True}

    def handle(event):
        if state["fail"]:
            raise RuntimeError("ledger is unavailable")

    webhooks.HANDLERS["homeward.test.flaky"] = handle
    yield state
    del webhooks.HANDLERS["homeward.test.flaky"]


@pytest.mark.django_db
def test_an_event_without_a_handler_is_stored_logged_and_acknowledged(client, secret, caplog):
    event = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})

    with caplog.at_level(logging.INFO, logger="payments.webhooks"):
        response = deliver(client, event, secret)

    assert response.status_code == 200
    assert response.json() == {"received": event["id"], "status": "ignored", "duplicate": False}
    stored = StripeEvent.objects.get(stripe_id=event["id"])
    assert stored.payload == event
    assert stored.type == "customer.created"
    assert "has no handler" in caplog.text


@pytest.mark.django_db
def test_a_handled_event_runs_its_handler_once_even_when_delivered_twice(client, secret, counted_handler):
    event = stripe_event("homeward.test.counted", {"id": "x_1"})

    first = deliver(client, event, secret)
    second = deliver(client, event, secret)

    assert first.json()["status"] == "processed"
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert counted_handler == [event["id"]]
    assert StripeEvent.objects.get(stripe_id=event["id"]).attempts == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("t=1,v1=deadbeef", "signature check failed"),
        ("garbage", "signature check failed"),
        ("", "Stripe-Signature header is missing"),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, secret, signature, reason):
    event = stripe_event("customer.created", {"id": "cus_1"})

    response = deliver(client, event, secret, signature=signature)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_signed_with_another_secret_is_refused(client):
    response = deliver(client, stripe_event("customer.created", {"id": "cus_1"}), "whsec_someone_else")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_a_stale_timestamp_is_refused_as_a_replay(client, secret):
    event = stripe_event("customer.created", {"id": "cus_1"})

    response = deliver(client, event, secret, timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert "tolerance" in response.json()["error"]
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "not JSON"),
        (json.dumps({"id": "x", "object": "charge"}), "not a Stripe event"),
        # Signed, shaped almost like an event: refused at once, never a 500 that Stripe would retry for days.
        *(
            (json.dumps({**stripe_event("invoice.paid", {"id": "in_1"}), **broken}), "not a Stripe event")
            for broken in (
                {"data": None},
                {"data": {"object": []}},
                {"data": {}},
                {"type": ["invoice.paid"]},
                {"id": {"a": 1}},
                {"created": 10**15},
                {"created": "yesterday"},
            )
        ),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(client, secret, body, reason):
    response = client.post(
        "/stripe/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, secret)
    )

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_without_a_webhook_secret_the_endpoint_says_it_is_not_configured(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = deliver(client, stripe_event("customer.created", {}), "whsec_x")

    assert response.status_code == 503
    assert "STRIPE_WEBHOOK_SECRET" in response.json()["error"]


def test_only_post_is_accepted(client):
    assert client.get("/stripe/webhook/").status_code == 405


@pytest.mark.django_db
def test_a_failing_handler_keeps_the_event_and_its_error_and_a_redelivery_succeeds(client, secret, failing_handler):
    event = stripe_event("homeward.test.flaky", {"id": "x_2"})

    failed = deliver(client, event, secret)

    assert failed.status_code == 500
    stored = StripeEvent.objects.get(stripe_id=event["id"])
    assert stored.status == StripeEvent.Status.FAILED
    assert stored.last_error == "RuntimeError: ledger is unavailable"

    failing_handler["fail"] = False
    retried = deliver(client, event, secret)

    assert retried.status_code == 200
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.last_error) == (StripeEvent.Status.PROCESSED, 2, "")


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_deliveries_of_one_event_run_the_handler_exactly_once(secret, counted_handler):
    event = stripe_event("homeward.test.counted", {"id": "x_3"})
    payload = json.dumps(event)
    start = threading.Barrier(10)
    statuses = []

    def deliver_from_a_thread():
        try:
            start.wait()
            response = Client().post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sign(payload, secret),
            )
            statuses.append((response.status_code, response.json()["duplicate"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_from_a_thread) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [(200, False)] + [(200, True)] * 9
    assert counted_handler == [event["id"]]
    assert StripeEvent.objects.filter(stripe_id=event["id"]).count() == 1


@pytest.mark.django_db
def test_staff_can_read_stripe_events_in_the_admin_but_not_change_them(client, secret):
    from accounts.models import User
    from tests.helpers import with_mfa

    deliver(client, stripe_event("customer.created", {"id": "cus_9"}, event_id="evt_admin_view"), secret)
    stored = StripeEvent.objects.get(stripe_id="evt_admin_view")
    client.force_login(with_mfa(User.objects.create_superuser("staff@homeward.test", "pw-for-tests-123")))

    listing = client.get("/admin/stripe_events/")
    inspect = client.get(f"/admin/stripe_events/inspect/{stored.pk}/")
    edit = client.post(f"/admin/stripe_events/edit/{stored.pk}/", {})
    delete = client.post(f"/admin/stripe_events/delete/{stored.pk}/")

    assert listing.status_code == 200
    assert "evt_admin_view" in listing.text
    assert inspect.status_code == 200
    assert edit.status_code in (302, 403)
    assert delete.status_code in (302, 403)
    assert StripeEvent.objects.filter(pk=stored.pk).exists()
