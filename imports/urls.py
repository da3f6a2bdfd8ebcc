from django.urls import path

from . import views
from .models import ImportKind

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("training/upload/", views.upload, {"kind": ImportKind.TRAINING}, name="upload-training"),
    path("colleagues/upload/", views.upload, {"kind": ImportKind.COLLEAGUES}, name="upload-colleagues"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
]
