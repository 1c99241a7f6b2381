"""Organisations under /<lang>/organisations/: members only, owners (admins) manage members."""

from django.urls import path

from accounts import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<str:slug>/", views.organisation_detail, name="detail"),
    path("<str:slug>/settings/", views.organisation_settings, name="settings"),
    path("<str:slug>/members/", views.organisation_members, name="members"),
    path("<str:slug>/members/<id:pk>/role/", views.member_role, name="member_role"),
    path("<str:slug>/members/<id:pk>/remove/", views.member_remove, name="member_remove"),
    path("<str:slug>/leave/", views.organisation_leave, name="leave"),
    path("<str:slug>/invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
