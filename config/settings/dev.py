"""The embedded default used by `make run`: one machine, no services."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed development key keeps sessions across restarts; production.py refuses it.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-homeward-8f2c1e0d7b6a5948372615")
# A fixed development key for the traceability digests (make run only); production.py refuses it.
TRACE_SIGNING_KEY = env_str("TRACE_SIGNING_KEY", "") or DEV_TRACE_SIGNING_KEY  # noqa: F405
