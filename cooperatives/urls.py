from django.urls import path

from . import views

app_name = "cooperatives"

urlpatterns = [
    path("", views.CooperativeListView.as_view(), name="list"),
    path("ekspor.<str:fmt>", views.CooperativeExportView.as_view(), name="export"),
    path("baru/", views.CooperativeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CooperativeDetailView.as_view(), name="detail"),
    path("<int:pk>/ubah/", views.CooperativeUpdateView.as_view(), name="update"),
    path("<int:cooperative_pk>/pengurus/baru/", views.BoardMemberCreateView.as_view(), name="board_create"),
    path("<int:cooperative_pk>/pengurus/<int:pk>/ubah/", views.BoardMemberUpdateView.as_view(), name="board_update"),
    path("<int:cooperative_pk>/pengurus/<int:pk>/hapus/", views.BoardMemberDeleteView.as_view(), name="board_delete"),
    path("<int:cooperative_pk>/unit-usaha/baru/", views.BusinessUnitCreateView.as_view(), name="unit_create"),
    path("<int:cooperative_pk>/unit-usaha/<int:pk>/ubah/", views.BusinessUnitUpdateView.as_view(), name="unit_update"),
    path("<int:cooperative_pk>/unit-usaha/<int:pk>/hapus/", views.BusinessUnitDeleteView.as_view(), name="unit_delete"),
    path("<int:pk>/kemajuan/", views.ProgressUpdateView.as_view(), name="progress"),
    path("<int:cooperative_pk>/kemitraan/baru/", views.PartnershipCreateView.as_view(), name="partnership_create"),
    path(
        "<int:cooperative_pk>/kemitraan/<int:pk>/ubah/",
        views.PartnershipUpdateView.as_view(),
        name="partnership_update",
    ),
    path(
        "<int:cooperative_pk>/kemitraan/<int:pk>/hapus/",
        views.PartnershipDeleteView.as_view(),
        name="partnership_delete",
    ),
]
