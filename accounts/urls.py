from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.UserListView.as_view(), name="list"),
    path("baru/", views.UserCreateView.as_view(), name="create"),
    path("<int:pk>/ubah/", views.UserUpdateView.as_view(), name="update"),
    path("<int:pk>/buka-kunci/", views.UnlockView.as_view(), name="unlock"),
]
