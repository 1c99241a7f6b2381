from django.urls import path

from traceability.consumers import ProjectReadingsConsumer

websocket_urlpatterns = [path("ws/trace/projects/<id:project_id>/", ProjectReadingsConsumer.as_asgi())]
