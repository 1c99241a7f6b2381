"""/<lang>/experiences/…: the public listing and pages, the person's bookings, the organiser's pages."""

from django.urls import path

from experiences import views

app_name = "experiences"
urlpatterns = [
    path("", views.experience_list, name="list"),
    path("<id:pk>/", views.experience_detail, name="detail"),
    path("slots/<id:pk>/book/", views.book, name="book"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<id:pk>/claim/", views.booking_claim, name="booking_claim"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/<str:slug>/", views.experience_new, name="new"),
    path("manage/<id:pk>/", views.manage, name="manage"),
    path("manage/<id:pk>/slots/", views.slot_add, name="slot_add"),
    path("manage/slots/<id:pk>/capacity/", views.slot_capacity, name="slot_capacity"),
    path("manage/slots/<id:pk>/cancel/", views.slot_cancel, name="slot_cancel"),
    path("manage/slots/<id:pk>/check-in/", views.check_in, name="check_in"),
    path("manage/bookings/<id:pk>/attended/", views.mark_attended, name="mark_attended"),
]
