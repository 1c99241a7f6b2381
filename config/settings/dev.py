"""The embedded default used by `make run`: one machine, no services."""

from config.env import env_bool, env_choice, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed development key keeps sessions across restarts; production.py refuses it.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-homeward-8f2c1e0d7b6a5948372615")
# A fixed development key for the traceability digests (make run only); production.py refuses it.
TRACE_SIGNING_KEY = env_str("TRACE_SIGNING_KEY", "") or DEV_TRACE_SIGNING_KEY  # noqa: F405

# `make run` without Stripe keys backs projects through the demo checkout (payments/gateways/demo.py): a local page
# says no money moves, and its "pay" delivers signed Stripe-shaped events to /stripe/webhook/.
PAYMENTS_GATEWAY = env_choice("PAYMENTS_GATEWAY", ["stripe", "demo"], "stripe" if STRIPE_SECRET_KEY else "demo")  # noqa: F405
if PAYMENTS_GATEWAY == "demo":
    STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET or DEMO_STRIPE_WEBHOOK_SECRET  # noqa: F405
