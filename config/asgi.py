"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from config.env import ConfigurationError  # noqa: E402

try:
    from config.asgi_http import http_application

    # Django must be set up before anything imports models (the websocket routes do).
    django_asgi_app = http_application()
except ConfigurationError as error:
    sys.exit(f"homeward: configuration error: {error}")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
