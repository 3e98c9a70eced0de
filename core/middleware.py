import ipaddress
import logging
import re
import time
import uuid
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import UnreadablePostError
from django.utils.deprecation import MiddlewareMixin

from . import health


class HealthCheckMiddleware:
    """First in the chain: answers the load balancer's health check (core/health.py) before the
    host check (a balancer sends its own Host, often an address), the HTTPS redirect (it checks
    over plain HTTP), the session, the language cookie and the CSP. "/health" without the slash is
    the same check, not an APPEND_SLASH redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in (health.PATH, health.PATH.rstrip("/")):
            return health.health(request)
        return self.get_response(request)


request_logger = logging.getLogger("kdkmp.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """One log record per request, with fields a log store can query (LOG_FORMAT=json makes
    each a JSON line): method, path, status, duration in ms, user id and a request id. The id is
    the proxy's X-Request-ID when it sends a sane one (so proxy and app lines join), else a new
    one; it goes back in the response's X-Request-ID. No query string, no form data, no names:
    paths carry ids only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path[:300],
            response.status_code,
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path[:300],
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        response["X-Request-ID"] = request.id
        return response


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
            for key, values in data.lists() if data is not None else []:
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


@lru_cache(maxsize=8)
def _networks(trusted):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.2 is 10.0.0.2


def client_ip(request):
    """The client's address for the login lockout (AXES_CLIENT_IP_CALLABLE).

    X-Forwarded-For is believed only when the connection comes from a configured proxy
    (KDKMP_TRUSTED_PROXIES): anyone else could write any address there, dodging the lockout or
    imposing it on a colleague. The proxy appends the address it saw, so the client is the
    rightmost entry that is not one of our own proxies; whatever came before it is the client's
    own text. (django-ipware cannot do this: it never checks that REMOTE_ADDR is the proxy.)
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.KDKMP_TRUSTED_PROXIES))

    def trusted(address):
        return address is not None and any(address in network for network in networks)

    if not trusted(_address(remote)):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:
            break  # a malformed hop: nothing to its left can be believed either
        if not trusted(hop):
            return str(hop)
    return remote
