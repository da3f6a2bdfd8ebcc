from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/subscribe/", views.feed_subscribe, name="feed_subscribe"),
    path("calendar/unsubscribe/", views.feed_revoke, name="feed_revoke"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/reschedule/", views.reschedule, name="reschedule"),
    path("<slug:slug>/review/start/", views.review_start, name="review_start"),
    path("<slug:slug>/review/", views.review, name="review"),
    path("<slug:slug>/review/<slug:step>/", views.review_step, name="review_step"),
    path("<slug:slug>/versions/<str:version>/", views.version_detail, name="version"),
]
