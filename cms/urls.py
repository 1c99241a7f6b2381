from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("my/reviews/", views.review_notices, name="review_notices"),
]
