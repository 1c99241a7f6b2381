"""The backer's own subscription page and its actions, at /<lang>/backings/<id>/manage/…"""

from django.urls import path

from marketplace.payments import manage_views as views

app_name = "paymanage"

urlpatterns = [
    path("backings/<int:pk>/manage/", views.manage, name="manage"),
    path("backings/<int:pk>/manage/pause/", views.pause, name="pause"),
    path("backings/<int:pk>/manage/skip/", views.skip, name="skip"),
    path("backings/<int:pk>/manage/resume/", views.resume, name="resume"),
    path("backings/<int:pk>/manage/plan/", views.switch_plan, name="switch_plan"),
    path("backings/<int:pk>/manage/cancel/", views.cancel, name="cancel"),
    path("backings/<int:pk>/manage/keep/", views.undo_cancel, name="undo_cancel"),
]

# The enterprise team's payouts (members see; managers start Stripe Connect onboarding).
urlpatterns += [
    path("enterprises/<str:slug>/payouts/", views.payouts, name="payouts"),
    path("enterprises/<str:slug>/payouts/connect/", views.payouts_connect, name="payouts_connect"),
    path("enterprises/<str:slug>/payouts/return/", views.payouts_return, name="payouts_return"),
    path("enterprises/<str:slug>/payouts/refresh/", views.payouts_refresh, name="payouts_refresh"),
]
