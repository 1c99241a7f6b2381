"""The person's own account pages, beside allauth's under /<lang>/accounts/."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("data/", views.personal_data, name="account_personal_data"),
    path("data/download/", views.personal_data_download, name="account_personal_data_download"),
    path("delete/", views.delete_account, name="account_delete"),
]
