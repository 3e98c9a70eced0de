from django.core.exceptions import BadRequest
from django.http import UnreadablePostError
from django.utils.deprecation import MiddlewareMixin


class IndonesianByDefaultMiddleware(MiddlewareMixin):
    """Pages are in Bahasa Indonesia unless the user picks English in the menu (a cookie).

    Many office PCs run an English browser; without this, Django's LocaleMiddleware would
    follow the browser's Accept-Language header instead of the office's language.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)


class RefuseNullBytesMiddleware:
    """A NUL byte cannot be typed into a page and PostgreSQL can neither store nor compare one:
    a request whose path, parameters or posted fields carry one is a bad request (400), not a
    database error (500). (Uploaded files are not read here: imports check their own content.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the path")
        for data in (request.GET, self._posted(request)):
            for key, values in (data.lists() if data is not None else []):
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest("NUL byte in a request parameter")
        return self.get_response(request)

    @staticmethod
    def _posted(request):
        if request.method != "POST":
            return None
        try:
            return request.POST
        except UnreadablePostError:  # the client went away mid-upload: left to the view, as CSRF does
            return None
