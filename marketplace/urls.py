"""Public marketplace pages under /<lang>/enterprises/ and /<lang>/projects/."""

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
    path("projects/<int:project_id>/questions/", views.questions, name="questions"),
    path("projects/<int:project_id>/questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("projects/<int:project_id>/report/<str:kind>/<int:pk>/", views.report, name="report"),
]
