from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportView.as_view(), name="import"),
    path("<str:token>/", views.JobView.as_view(), name="job"),
    path("<str:token>/konfirmasi/", views.ConfirmView.as_view(), name="confirm"),
    path("<str:token>/baris-gagal.xlsx", views.FailedRowsView.as_view(), name="failed_rows"),
    path("templat/<str:kind>.xlsx", views.TemplateView.as_view(), name="template"),
]
