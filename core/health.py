"""The health endpoint for load balancers: `/health/` answers 200 "ok" when the database can be
reached and every migration is applied, else 503 "unavailable". Nothing else is in the answer.

It is served by `HealthCheckMiddleware` (core/middleware.py), first in the chain: a load balancer
checks with its own Host header (often the machine's address, not in ALLOWED_HOSTS) and over plain
HTTP, so the host check, the HTTPS redirect, the session, the language cookie and the CSP must not
touch it. It needs no login and sets no cookie. Cost: one migration plan, two small queries.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

logger = logging.getLogger(__name__)

PATH = "/health/"


def unapplied_migrations() -> int:
    """How many migrations the code has that the database has not applied (reads the database)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def health(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        pending = unapplied_migrations()
    except Exception as error:  # the database cannot be reached (or cannot be read): not ready
        logger.warning("Health check: database unavailable: %s", error)
        return _answer("unavailable", 503)
    if pending:
        logger.warning("Health check: %d migration(s) not applied", pending)
        return _answer("unavailable", 503)
    return _answer("ok", 200)


def _answer(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
