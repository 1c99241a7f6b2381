from django.urls import path

from conversations.consumers import ConversationConsumer

websocket_urlpatterns = [path("ws/conversations/<id:pk>/", ConversationConsumer.as_asgi())]
