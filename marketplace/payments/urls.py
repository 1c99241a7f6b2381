"""Payment pages, mounted at the root of each language (/<lang>/…)."""

from django.urls import path

from marketplace.payments import views

app_name = "payments"

urlpatterns = [
    path("projects/<int:project_id>/donate/", views.donate, name="donate"),
    path("projects/<int:project_id>/plans/<int:plan_id>/subscribe/", views.subscribe, name="subscribe"),
    path("projects/<int:project_id>/checkout/<str:outcome>/", views.checkout_return, name="checkout_return"),
    path("projects/<int:project_id>/funding/", views.funding_dashboard, name="funding_dashboard"),
    path("projects/<int:project_id>/funding/export.csv", views.funding_csv, name="funding_csv"),
    path("backings/", views.my_backings, name="my_backings"),
    path("backings/<int:pk>/", views.backing_detail, name="backing_detail"),
    path("backings/receipts/<int:pk>/", views.receipt, name="receipt"),
]
