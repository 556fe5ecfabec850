from django.urls import path

from platform_.exports import views

app_name = "exports"

urlpatterns = [
    path("manage/export/", views.ExportListView.as_view(), name="list"),
    path("manage/export/prepare/", views.PrepareExportView.as_view(), name="prepare"),
    path("manage/export/<int:pk>/download/", views.DownloadExportView.as_view(), name="download"),
]
