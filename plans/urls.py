from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<id:pk>/", views.plan_detail, name="detail"),
    path("<id:pk>/edit/", views.plan_edit, name="edit"),
    path("<id:pk>/meeting/", views.plan_meeting, name="meeting"),
    path("<id:pk>/match/", views.plan_match, name="match"),
    path("<id:pk>/report/", views.plan_report, name="report"),
    path("<id:pk>/<slug:step>/", views.plan_step, name="step"),
]
