from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("new/", views.issue_new, name="issue_new"),
    path("<id:pk>/", views.issue_detail, name="issue_detail"),
    path("<id:pk>/route/", views.issue_route, name="issue_route"),
    path("<id:pk>/answer/", views.issue_answer, name="issue_answer"),
]
