from django.urls import path

from places import views

app_name = "places"

urlpatterns = [
    path("map/", views.township_map, name="township_map"),
]
