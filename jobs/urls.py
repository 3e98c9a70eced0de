from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<str:token>/kemajuan/", views.ProgressView.as_view(), name="progress"),
    path("<str:token>/unduh/", views.DownloadView.as_view(), name="download"),
]
