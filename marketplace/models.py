"""Marketplace models. Payments live in marketplace/payments/ and are imported here for Django."""

from marketplace.payments.models import StripeEvent  # noqa: F401
