"""Structured request logs: one record per request with queryable fields, as JSON lines when
LOG_FORMAT=json; the request id is the proxy's when sane, and goes back in the response."""

import json
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_request_is_one_record_with_its_fields(login, caplog):
    client = login("staf.kotajambi")
    with caplog.at_level(logging.INFO, logger="kdkmp.request"):
        response = client.get(reverse("cooperatives:list"), {"q": "rahasia"}, HTTP_X_REQUEST_ID="proxy-1234abcd")
    (record,) = [r for r in caplog.records if r.name == "kdkmp.request"]
    assert (record.method, record.path, record.status) == ("GET", "/koperasi/", 200)
    assert record.user_id is not None and record.duration_ms > 0
    assert record.request_id == response["X-Request-ID"] == "proxy-1234abcd"
    assert "rahasia" not in record.getMessage()  # no query string in the log


def test_an_odd_request_id_is_replaced_and_anonymous_has_no_user(client, caplog):
    with caplog.at_level(logging.INFO, logger="kdkmp.request"):
        response = client.get(reverse("login"), HTTP_X_REQUEST_ID="<script>\n")
    (record,) = [r for r in caplog.records if r.name == "kdkmp.request"]
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 32
    assert record.user_id is None


def test_the_json_format_writes_one_object_per_line():
    from django.conf import settings
    from django.utils.module_loading import import_string

    config = settings.LOGGING["formatters"]["json"]
    formatter = import_string(config["()"])(fmt=config["fmt"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("kdkmp.request", logging.INFO, __file__, 1, "GET %s", ("/",), None)
    record.status, record.duration_ms = 200, 3.5
    line = json.loads(formatter.format(record))
    assert line["logger"] == "kdkmp.request" and line["level"] == "INFO"
    assert line["message"] == "GET /" and line["status"] == 200 and line["duration_ms"] == 3.5
