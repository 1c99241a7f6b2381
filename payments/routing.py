from django.urls import path

from payments.consumers import ProjectProgressConsumer

websocket_urlpatterns = [path("ws/projects/<id:project_id>/", ProjectProgressConsumer.as_asgi())]
