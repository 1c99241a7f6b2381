from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/meeting/", views.plan_meeting, name="meeting"),
    path("<int:pk>/match/", views.plan_match, name="match"),
    path("<int:pk>/report/", views.plan_report, name="report"),
    path("<int:pk>/<slug:step>/", views.plan_step, name="step"),
]
