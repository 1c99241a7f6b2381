from django.urls import path

from search import views

app_name = "search_api"
urlpatterns = [
    path("", views.search_api, name="search"),
    path("autocomplete/", views.autocomplete_api, name="autocomplete"),
]
