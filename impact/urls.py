from django.urls import path

from impact import views

app_name = "impact"

urlpatterns = [
    path("", views.impact_page, name="page"),
    path("impact.csv", views.impact_csv, name="csv"),
    path("impact.json", views.impact_json, name="json"),
]
