from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("tugas/", views.MyWorkView.as_view(), name="my_work"),
    path("laporan/", views.QueueView.as_view(), name="queue"),
    path("laporan/rekap/", views.RecapView.as_view(), name="recap"),
    path("laporan/pengaturan/", views.ReviewSettingView.as_view(), name="review_setting"),
    path("laporan/setujui/", views.ApproveManyView.as_view(), name="approve_many"),
    path("laporan/tulis/<int:assistant_pk>/<str:period>/", views.OpenReportView.as_view(), name="open"),
    path("laporan/<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("laporan/<int:pk>/kirim/", views.SubmitView.as_view(), name="submit"),
    path("laporan/<int:pk>/tinjau/", views.ReviewView.as_view(), name="review"),
    path("laporan/<int:pk>/koperasi/<int:section_pk>/", views.SectionView.as_view(), name="section"),
    path(
        "laporan/<int:pk>/koperasi/<int:section_pk>/kegiatan/", views.ActivityCreateView.as_view(), name="activity_add"
    ),
    path(
        "laporan/<int:pk>/kegiatan/<int:activity_pk>/hapus/", views.ActivityDeleteView.as_view(), name="activity_delete"
    ),
    path("laporan/<int:pk>/kegiatan/<int:activity_pk>/foto/", views.ActivityPhotoView.as_view(), name="activity_photo"),
    path("kendala/", views.ProblemListView.as_view(), name="problems"),
    path("kendala/ekspor.<str:fmt>", views.ProblemExportView.as_view(), name="problem_export"),
    path("kendala/baru/", views.ProblemCreateView.as_view(), name="problem_create"),
    path("kendala/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
]
