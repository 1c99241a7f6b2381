from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("my/reviews/", views.review_notices, name="review_notices"),
    path("programmes/", views.programme_catalogue, name="programme_catalogue"),
    path("programmes/<id:pk>/", views.programme_detail, name="programme_detail"),
]
