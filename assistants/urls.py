from django.urls import path

from . import views

app_name = "assistants"

urlpatterns = [
    path("pendamping/", views.AssistantListView.as_view(), name="list"),
    path("pendamping/ekspor.<str:fmt>", views.AssistantExportView.as_view(), name="export"),
    path("pendamping/baru/", views.AssistantCreateView.as_view(), name="create"),
    path("pendamping/<int:pk>/", views.AssistantDetailView.as_view(), name="detail"),
    path("pendamping/<int:pk>/ubah/", views.AssistantUpdateView.as_view(), name="update"),
    path("pendamping/<int:pk>/serah-terima/", views.HandoverView.as_view(), name="handover"),
    path("pendamping/<int:pk>/berhenti/", views.ResignView.as_view(), name="resign"),
    path("penugasan/", views.AssignmentBoardView.as_view(), name="board"),
    path("penugasan/koperasi/<int:pk>/", views.CooperativeAssignView.as_view(), name="assign"),
    path("penugasan/<int:pk>/akhiri/", views.EndAssignmentView.as_view(), name="end"),
    path("perencana/", views.PlannerView.as_view(), name="planner"),
]
