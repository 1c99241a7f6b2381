"""Stripe calls go through payments.stripe_api to stripe-mock."""

import pytest
import stripe

from payments import stripe_api

pytestmark = pytest.mark.stripe


def test_the_project_client_talks_to_stripe_mock(settings):
    summary = stripe_api.account_summary()

    assert summary["livemode"] is False


def test_stripe_mock_validates_requests_against_stripes_api():
    with pytest.raises(stripe.InvalidRequestError):
        stripe_api.client().v1.customers.create(params={"not_a_parameter": "x"})


def test_without_a_key_the_client_says_payments_are_not_configured(settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(stripe_api.PaymentsNotConfigured, match="STRIPE_SECRET_KEY"):
        stripe_api.client()
    assert stripe_api.configuration_summary() == {"configured": False, "mode": "not configured"}
