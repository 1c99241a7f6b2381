"""Marketplace pages, mounted at the root of each language (/<lang>/…).

/<lang>/enterprises/… and /<lang>/projects/… are the teams' public and wizard pages;
/<lang>/marketplace/… are company pages for their members and the interests of both sides.
"""

from django.urls import path

from marketplace.views import companies, enterprises, interests, projects, recommendations, ties, wizard

app_name = "marketplace"

urlpatterns = [
    path("enterprises/<str:slug>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:slug>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<str:slug>/projects/", enterprises.enterprise_projects, name="enterprise_projects"),
    path("projects/drafts/<id:pk>/plans/add/", wizard.draft_plan_add, name="draft_plan_add"),
    path("projects/drafts/<id:pk>/plans/<id:plan_pk>/remove/", wizard.draft_plan_remove, name="draft_plan_remove"),
    path("projects/drafts/<id:pk>/milestones/add/", wizard.draft_milestone_add, name="draft_milestone_add"),
    path(
        "projects/drafts/<id:pk>/milestones/<id:milestone_pk>/remove/",
        wizard.draft_milestone_remove,
        name="draft_milestone_remove",
    ),
    path("projects/drafts/<id:pk>/submit/", wizard.draft_submit, name="draft_submit"),
    path("projects/drafts/<id:pk>/reopen/", wizard.draft_reopen, name="draft_reopen"),
    path("projects/drafts/<id:pk>/delete/", wizard.draft_delete, name="draft_delete"),
    path("projects/drafts/<id:pk>/<str:step>/", wizard.draft_step, name="draft_step"),
    path("projects/<id:project_id>/team/", projects.project_team, name="project_team"),
    path("projects/<id:project_id>/milestones/<id:pk>/done/", projects.milestone_done, name="milestone_done"),
    path("projects/<id:project_id>/questions/", projects.questions, name="questions"),
    path("projects/<id:project_id>/questions/<id:pk>/answer/", projects.question_answer, name="question_answer"),
    path("projects/<id:project_id>/report/<str:kind>/<id:pk>/", projects.report, name="report"),
    # Companies, their matches and the interest pipeline.
    path("marketplace/companies/<str:slug>/profile/", companies.company_profile, name="company_profile"),
    path("marketplace/companies/<str:slug>/ties/", ties.company_ties, name="company_ties"),
    path("marketplace/companies/<str:slug>/ties/mine/", ties.own_tie_add, name="own_tie_add"),
    path("marketplace/companies/<str:slug>/ties/<id:pk>/remove/", ties.tie_remove, name="tie_remove"),
    path("marketplace/companies/<str:slug>/recommended/", recommendations.recommendations, name="recommendations"),
    path("marketplace/companies/<str:slug>/impact/", companies.impact, name="impact"),
    path("marketplace/companies/<str:slug>/searches/", companies.saved_searches, name="saved_searches"),
    path(
        "marketplace/companies/<str:slug>/searches/<id:pk>/delete/",
        companies.saved_search_delete,
        name="saved_search_delete",
    ),
    path("marketplace/companies/<str:slug>/interests/", interests.company_interests, name="company_interests"),
    path(
        "marketplace/companies/<str:slug>/interests/<id:project_id>/",
        interests.interest_express,
        name="interest_express",
    ),
    path("marketplace/enterprises/<str:slug>/interests/", interests.enterprise_interests, name="enterprise_interests"),
    path("marketplace/enterprises/<str:slug>/companies/", recommendations.fitting_companies, name="fitting_companies"),
    path("marketplace/interests/<id:pk>/", interests.interest_detail, name="interest_detail"),
    path("marketplace/interests/<id:pk>/advance/", interests.interest_advance, name="interest_advance"),
    path("marketplace/interests/<id:pk>/withdraw/", interests.interest_withdraw, name="interest_withdraw"),
    path("marketplace/interests/<id:pk>/propose/", interests.interest_propose, name="interest_propose"),
    path("marketplace/interests/<id:pk>/confirm/", interests.interest_confirm, name="interest_confirm"),
]
