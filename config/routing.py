"""Websocket routes of every app, gathered in one list for config/asgi.py."""

websocket_urlpatterns = []
