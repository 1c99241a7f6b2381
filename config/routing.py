"""Websocket routes of every app, gathered in one list for config/asgi.py."""

from conversations.routing import websocket_urlpatterns as conversation_routes
from notifications.routing import websocket_urlpatterns as notification_routes
from payments.routing import websocket_urlpatterns as project_routes
from traceability.routing import websocket_urlpatterns as readings_routes

websocket_urlpatterns = [*notification_routes, *project_routes, *conversation_routes, *readings_routes]
