from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="list"),
    path("<str:token>/", views.JobDetailView.as_view(), name="detail"),
    path("<str:token>/kemajuan/", views.ProgressView.as_view(), name="progress"),
    path("<str:token>/unduh/", views.DownloadView.as_view(), name="download"),
]
