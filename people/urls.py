"""People and help requests under /<lang>/people/; organisations' public pages under /<lang>/people/o/<slug>/."""

from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    path("for-me/", views.matches, name="matches"),
    path("<id:pk>/", views.profile_detail, name="profile"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<id:pk>/", views.request_detail, name="request"),
    path("requests/<id:pk>/close/", views.request_close, name="request_close"),
    path("requests/<id:pk>/offer/", views.offer_make, name="offer_make"),
    path("offers/<id:pk>/", views.offer_detail, name="offer"),
    path("offers/<id:pk>/feedback/", views.offer_feedback, name="offer_feedback"),
    path("offers/<id:pk>/<str:step>/", views.offer_step, name="offer_step"),
    path("o/<str:slug>/", views.organisation_public, name="organisation"),
    path("o/<str:slug>/follow/", views.follow, name="follow"),
]
