from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/messages/", views.messages_json, name="messages"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/read/", views.read, name="read"),
    path("<int:pk>/report/", views.report, name="report"),
]
