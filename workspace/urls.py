from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("hr/", views.home_view, name="home"),
    path("hr/completion/", views.completion_view, name="completion"),
    path("hr/sessions/<int:pk>/completion/", views.session_completion_view, name="session_completion"),
    path("hr/preview/", views.preview_view, name="preview"),
    path("requests/", views.request_list_view, name="request_list"),
    path("requests/new/<slug:kind>/", views.request_new_view, name="request_new"),
    path("requests/<int:pk>/", views.request_detail_view, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide_view, name="request_decide"),
    path("evidence/<int:pk>/", views.evidence_download_view, name="evidence_download"),
]
