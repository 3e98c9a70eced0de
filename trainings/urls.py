from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.CohortListView.as_view(), name="cohort_list"),
    path("program/", views.ProgramListView.as_view(), name="program_list"),
    path("program/baru/", views.ProgramCreateView.as_view(), name="program_create"),
    path("program/<int:pk>/ubah/", views.ProgramUpdateView.as_view(), name="program_update"),
    path("angkatan/baru/", views.CohortCreateView.as_view(), name="cohort_create"),
    path("angkatan/<int:cohort_pk>/", views.CohortDetailView.as_view(), name="cohort_detail"),
    path("angkatan/<int:pk>/ubah/", views.CohortUpdateView.as_view(), name="cohort_update"),
    path("angkatan/<int:cohort_pk>/daftarkan/", views.EnrollView.as_view(), name="enroll"),
    path("angkatan/<int:cohort_pk>/absensi/<str:day>/", views.AttendanceDayView.as_view(), name="attendance_day"),
    path("angkatan/<int:cohort_pk>/daftar-hadir/", views.AttendanceListView.as_view(), name="attendance_list"),
    path("angkatan/<int:cohort_pk>/nilai/", views.ScoreSheetView.as_view(), name="score_sheet"),
    path("angkatan/<int:cohort_pk>/<str:action>/", views.CohortActionView.as_view(), name="cohort_action"),
    path("peserta/", views.ParticipantListView.as_view(), name="participant_list"),
    path("peserta/ekspor.<str:fmt>", views.ParticipantExportView.as_view(), name="participant_export"),
    path("peserta/<int:pk>/", views.ParticipantDetailView.as_view(), name="participant_detail"),
    path("peserta/<int:pk>/sertifikat/", views.CertificateView.as_view(), name="certificate"),
    path("peserta/<int:pk>/<str:action>/", views.ParticipantActionView.as_view(), name="participant_action"),
    path("cakupan/", views.CoverageView.as_view(), name="coverage"),
]
