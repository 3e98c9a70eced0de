from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import health
from core.admin_urls import scoped_admin_urls
from dashboards.map_views import region_map
from dashboards.views import dashboard

from .views import audit, server_error

admin.site.site_header = "KDKMP Admin"
admin.site.site_title = "KDKMP Admin"

urlpatterns = [
    path("", dashboard, name="home"),
    # For load balancers; answered by core.middleware.HealthCheckMiddleware before the host check.
    path(health.PATH.lstrip("/"), health.health, name="health"),
    path("peta/", region_map, name="map"),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("koperasi/", include("cooperatives.urls")),
    path("", include("assistants.urls")),
    path("pelatihan/", include("trainings.urls")),
    path("pengguna/", include("accounts.urls")),
    path("audit/", audit, name="audit"),
    path("impor/", include("imports.urls")),
    path("pekerjaan/", include("jobs.urls")),
    path("tren/", include("trends.urls")),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Every admin view goes through its ModelAdmin's scoped queryset (kdkmp/admin_urls.py).
    path("admin/", scoped_admin_urls(admin.site)),
]

# A database that cannot be reached is a maintenance page (503), any other error the Indonesian 500.
handler500 = server_error
