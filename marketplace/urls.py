"""Marketplace pages, mounted at the root of each language (/<lang>/…).

/<lang>/enterprises/… and /<lang>/projects/… are the teams' public and wizard pages;
/<lang>/marketplace/… are company pages for their members and the interests of both sides.
"""

from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("enterprises/<str:slug>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:slug>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<str:slug>/projects/", views.enterprise_projects, name="enterprise_projects"),
    path("projects/drafts/<int:pk>/plans/add/", views.draft_plan_add, name="draft_plan_add"),
    path("projects/drafts/<int:pk>/plans/<int:plan_pk>/remove/", views.draft_plan_remove, name="draft_plan_remove"),
    path("projects/drafts/<int:pk>/milestones/add/", views.draft_milestone_add, name="draft_milestone_add"),
    path(
        "projects/drafts/<int:pk>/milestones/<int:milestone_pk>/remove/",
        views.draft_milestone_remove,
        name="draft_milestone_remove",
    ),
    path("projects/drafts/<int:pk>/submit/", views.draft_submit, name="draft_submit"),
    path("projects/drafts/<int:pk>/<str:step>/", views.draft_step, name="draft_step"),
    path("projects/<int:project_id>/team/", views.project_team, name="project_team"),
    path("projects/<int:project_id>/milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("projects/<int:project_id>/funding.json", views.funding_progress, name="funding_progress"),
    path("projects/<int:project_id>/questions/", views.questions, name="questions"),
    path("projects/<int:project_id>/questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("projects/<int:project_id>/report/<str:kind>/<int:pk>/", views.report, name="report"),
    # Companies, their matches and the interest pipeline.
    path("marketplace/companies/<str:slug>/profile/", views.company_profile, name="company_profile"),
    path("marketplace/companies/<str:slug>/ties/", views.company_ties, name="company_ties"),
    path("marketplace/companies/<str:slug>/ties/mine/", views.own_tie_add, name="own_tie_add"),
    path("marketplace/companies/<str:slug>/ties/<int:pk>/remove/", views.tie_remove, name="tie_remove"),
    path("marketplace/companies/<str:slug>/recommended/", views.recommendations, name="recommendations"),
    path("marketplace/companies/<str:slug>/impact/", views.impact, name="impact"),
    path("marketplace/companies/<str:slug>/searches/", views.saved_searches, name="saved_searches"),
    path(
        "marketplace/companies/<str:slug>/searches/<int:pk>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path("marketplace/companies/<str:slug>/interests/", views.company_interests, name="company_interests"),
    path(
        "marketplace/companies/<str:slug>/interests/<int:project_id>/", views.interest_express, name="interest_express"
    ),
    path("marketplace/enterprises/<str:slug>/interests/", views.enterprise_interests, name="enterprise_interests"),
    path("marketplace/enterprises/<str:slug>/companies/", views.fitting_companies, name="fitting_companies"),
    path("marketplace/interests/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("marketplace/interests/<int:pk>/advance/", views.interest_advance, name="interest_advance"),
    path("marketplace/interests/<int:pk>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
]
