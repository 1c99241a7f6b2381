"""Websocket routes of every app, gathered in one list for config/asgi.py."""

from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns = [*notification_routes]
