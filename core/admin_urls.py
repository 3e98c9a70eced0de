"""The Django admin's URLs, every one of them scoped: the shared mechanism behind `/admin/`.

ModelAdmins and the libraries that extend them (django-simple-history's history and revert,
django-import-export's import and export, whatever comes next) each add views that fetch an
object by the id in the URL, and not all of them ask the ModelAdmin's `get_queryset` (the one
place where `for_user` narrows the admin). Instead of trusting each view, every URL of every
registered ModelAdmin is wrapped here: a URL that names an object answers 404 unless the object
is in that ModelAdmin's `get_queryset` for this user, before the library's view runs. A missing
id and another region's id look the same (404), so the admin never confirms that an id exists.

Reverting from the history page is refused for every model: it saves an old row straight
to the database, past the services that keep the rules (caps, locks, attendance marks).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _

# The route names django-simple-history gives its per-version page (view and revert).
HISTORY_VERSION_SUFFIX = "_simple_history"
# How the admin and its libraries name the object id they capture ("id": the user's password page).
OBJECT_ID_NAMES = ("object_id", "pk", "id")


def object_in_scope(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> bool:
    # ModelAdmin.get_object goes through get_queryset and turns a malformed id into None.
    return model_admin.get_object(request, unquote(str(object_id))) is not None


def guard_view(view: Callable, model_admin: ModelAdmin, url_name: str | None) -> Callable:
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not model_admin.admin_site.has_permission(request):
            return view(request, *args, **kwargs)  # the admin's own login redirect, nothing fetched
        if args or kwargs:
            object_id = next((kwargs[k] for k in OBJECT_ID_NAMES if k in kwargs), args[0] if args else None)
            # A captured argument that is not an object id: refused rather than guessed at.
            if object_id is None or not object_in_scope(model_admin, request, object_id):
                raise Http404
        if url_name and url_name.endswith(HISTORY_VERSION_SUFFIX) and request.method != "GET":
            raise PermissionDenied(_("Reverting from the history is not possible: change the data on its page."))
        return view(request, *args, **kwargs)

    return guarded


def guard_patterns(patterns: list, model_admin: ModelAdmin) -> list:
    guarded = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            guarded.append(
                URLResolver(
                    pattern.pattern,
                    guard_patterns(pattern.url_patterns, model_admin),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        else:
            guarded.append(
                URLPattern(
                    pattern.pattern,
                    guard_view(pattern.callback, model_admin, pattern.name),
                    pattern.default_args,
                    pattern.name,
                )
            )
    return guarded


def scoped_view_on_site(site: AdminSite) -> Callable:
    """The admin's "view on site" (r/<content type>/<id>/), through the model's ModelAdmin:
    a model without one, a missing id and an id outside the scope are all a 404."""

    def view(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, OverflowError, ContentType.DoesNotExist):
            raise Http404 from None
        model_admin = site._registry.get(model)
        obj = model_admin.get_object(request, unquote(object_id)) if model_admin else None
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404
        return HttpResponseRedirect(obj.get_absolute_url())

    return view


def scoped_admin_urls(site: AdminSite) -> tuple[list, str, str]:
    """`site.urls`, with every model's views guarded and a scoped "view on site"."""
    admins_by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": a for m, a in site._registry.items()}
    patterns = []
    for pattern in site.get_urls():
        if isinstance(pattern, URLResolver) and str(pattern.pattern) in admins_by_prefix:
            model_admin = admins_by_prefix[str(pattern.pattern)]
            patterns.append(path(str(pattern.pattern), include(guard_patterns(pattern.url_patterns, model_admin))))
        elif isinstance(pattern, URLPattern) and pattern.name == "view_on_site":
            patterns.append(
                path(
                    "r/<path:content_type_id>/<path:object_id>/",
                    site.admin_view(scoped_view_on_site(site)),
                    name="view_on_site",
                )
            )
        else:
            patterns.append(pattern)
    return patterns, "admin", site.name
