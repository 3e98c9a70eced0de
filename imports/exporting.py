"""Export responses: a resource's rows as xlsx or csv, cells neutralised (see resources.neutralise)."""

from django.http import Http404, HttpResponse
from django.utils import timezone

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def dataset_response(dataset, fmt, basename):
    """A tablib Dataset as a download; csv gets a BOM so that Excel reads it as UTF-8."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = dataset.export(fmt)
    if fmt == "csv":
        content = "\ufeff" + content
    return file_response(content, fmt, basename)


def file_response(content, fmt, basename):
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


def export_response(resource, queryset, fmt, basename):
    stamp = timezone.localdate().strftime("%Y%m%d")
    return dataset_response(resource.export(queryset=queryset), fmt, f"{basename}-{stamp}")
