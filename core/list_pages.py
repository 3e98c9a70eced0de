"""What every list page shares: a scoped queryset, a FilterSet built for the user, a paginated
table, and the same filtered rows as an xlsx/csv export."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.exports import export_response


class ListPageMixin(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"user": self.request.user}

    def get_table_pagination(self, table):
        return {"per_page": settings.KDKMP_PAGE_SIZE}


class ListExportMixin:
    """On a list page's view: its filtered rows (same FilterSet, same scope) as xlsx or csv; NIKs
    masked unless the user may see them in full."""

    resource_class = None
    export_name = None  # the file name, without extension

    def get(self, request, *args, fmt, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
        resource = self.resource_class(user=request.user)
        resource.mask_nik = not request.user.has_perm("cooperatives.view_full_nik")
        return export_response(resource, rows, fmt, self.export_name)
