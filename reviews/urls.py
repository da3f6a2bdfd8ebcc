from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list_view, name="review_list"),
    path("colleagues/<int:colleague_pk>/new/", views.review_create_view, name="review_create"),
    path("<int:pk>/", views.review_detail_view, name="review_detail"),
]
