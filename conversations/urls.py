from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("<id:pk>/", views.conversation_detail, name="detail"),
    path("<id:pk>/messages/", views.messages_json, name="messages"),
    path("<id:pk>/send/", views.send, name="send"),
    path("<id:pk>/read/", views.read, name="read"),
    path("<id:pk>/report/", views.report, name="report"),
]
