"""The load balancer's health endpoint (core/health.py): 200 "ok" or 503 "unavailable", nothing
else; no login, no cookie, no redirect, a bounded number of queries."""

from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthy_answers_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the migration table's existence and its rows
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


def test_no_cookie_no_session_no_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert not client.cookies


def test_a_balancer_checking_over_http_by_address_is_not_redirected(client, settings):
    # A balancer sends its own Host (an address, not in ALLOWED_HOSTS) over plain HTTP, with or
    # without the trailing slash: neither the host check, the HTTPS redirect nor APPEND_SLASH apply.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["kdkmp.example.go.id"]
    for path in ("/health/", "/health"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
        assert response.content == b"ok"
    assert client.head("/health/", HTTP_HOST="10.0.0.7").status_code == 200
    # Every other page still goes through both.
    assert client.get("/masuk/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/masuk/", HTTP_HOST="kdkmp.example.go.id").status_code == 301


def test_unapplied_migrations_are_unavailable(client):
    pending = [(mock.Mock(name="0099_new"), False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_unreachable_database_is_unavailable(client, caplog):
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(connections[DEFAULT_DB_ALIAS], "cursor", side_effect=refused):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.content == b"unavailable"  # the error is logged, not shown
    assert "Connection refused" in caplog.text and b"5432" not in response.content


def test_only_reads(client):
    assert client.post("/health/").status_code == 405
