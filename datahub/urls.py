from django.urls import path

from datahub import views

app_name = "datahub"

urlpatterns = [
    path("<slug:indicator>/<str:code>/", views.time_series, name="time_series"),
]
