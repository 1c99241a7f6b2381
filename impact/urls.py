from django.urls import path

from impact import views

app_name = "impact"

urlpatterns = [
    path("", views.impact_page, name="page"),
    path("impact.csv", views.impact_csv, name="csv"),
    path("impact.json", views.impact_json, name="json"),
    path("companies/<str:slug>/", views.company_report, name="company_report"),
    path("companies/<str:slug>/report.csv", views.company_report_csv, name="company_report_csv"),
    path("companies/<str:slug>/report.pdf", views.company_report_pdf, name="company_report_pdf"),
]
