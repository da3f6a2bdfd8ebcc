from django.urls import path

from . import action_views, refresher_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue/export.csv", views.overdue_export, {"fmt": "csv"}, name="overdue_csv"),
    path("overdue/export.xlsx", views.overdue_export, {"fmt": "xlsx"}, name="overdue_xlsx"),
    path("matrix/", views.matrix, name="matrix"),
    path("officers/", views.officers, name="officers"),
    path("colleagues/<str:employee_number>/", views.colleague, name="colleague"),
    path("kpi/", views.kpi, name="kpi"),
    path("kpi/export.xlsx", views.kpi_export, name="kpi_export"),
    path("kpi/pack.pdf", views.kpi_pack, name="kpi_pack"),
    path("kpi/refreshers/", refresher_views.kpi_refreshers, name="kpi_refreshers"),
    path("figures/rebuild/", views.summary_rebuild, name="summary_rebuild"),
]

# The action bar of the lists (dashboard/action_views.py).
urlpatterns += [
    path("actions/", action_views.act, name="act"),
    path("actions/book/", action_views.act_book, name="act_book"),
]
