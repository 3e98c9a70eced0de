from django.utils.deprecation import MiddlewareMixin


class IndonesianByDefaultMiddleware(MiddlewareMixin):
    """Pages are in Bahasa Indonesia unless the user picks English in the menu (a cookie).

    Many office PCs run an English browser; without this, Django's LocaleMiddleware would
    follow the browser's Accept-Language header instead of the office's language.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
