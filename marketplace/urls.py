"""The marketplace under /<lang>/marketplace/: company pages for their members, interests for both sides."""

from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("companies/<str:slug>/profile/", views.company_profile, name="company_profile"),
    path("companies/<str:slug>/ties/", views.company_ties, name="company_ties"),
    path("companies/<str:slug>/ties/mine/", views.own_tie_add, name="own_tie_add"),
    path("companies/<str:slug>/ties/<int:pk>/remove/", views.tie_remove, name="tie_remove"),
    path("companies/<str:slug>/recommended/", views.recommendations, name="recommendations"),
    path("companies/<str:slug>/impact/", views.impact, name="impact"),
    path("companies/<str:slug>/searches/", views.saved_searches, name="saved_searches"),
    path("companies/<str:slug>/searches/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("companies/<str:slug>/interests/", views.company_interests, name="company_interests"),
    path("companies/<str:slug>/interests/<int:project_id>/", views.interest_express, name="interest_express"),
    path("enterprises/<str:slug>/interests/", views.enterprise_interests, name="enterprise_interests"),
    path("enterprises/<str:slug>/companies/", views.fitting_companies, name="fitting_companies"),
    path("interests/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("interests/<int:pk>/advance/", views.interest_advance, name="interest_advance"),
    path("interests/<int:pk>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
]
