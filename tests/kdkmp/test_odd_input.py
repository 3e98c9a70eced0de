"""Odd input never breaks a page. Every GET page gets every field name found on any page as a
query parameter, and every page with a form gets its own fields POSTed, filled with values a
user can mistype or forge (huge ids, superscript digits, null bytes...): the answer is a page, a
form error, a redirect or a 404, never a server error. The pages come from the access matrix, so
a new page is covered as soon as it is listed there. (A NUL byte stops at the middleware's 400
before any view; the other values reach the views and their forms.)"""

import re

import pytest

from accounts.models import User
from tests.kdkmp.test_access_matrix import FIXED_ARGS, PAGES, build_url, objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ODD_VALUES = ["99999999999999999999999", "-1", "²", "1e400", "a\x00b", "9999-99-99", "15.71.01.1001.9"]
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
NOT_POSTED = ("delete", "resign", "cohort_action", "participant_action", "imports:confirm")  # actions, not forms


def page_urls(objects):  # noqa: F811
    return {
        name: build_url(name, key, objects["in"])
        for name, (method, _p, key, _b) in PAGES.items()
        if method == "GET" and not (key in FIXED_ARGS and FIXED_ARGS[key][1] != 200)
    }


@pytest.mark.parametrize(
    "value",
    ODD_VALUES,
    ids=["huge", "negative", "superscript", "overflowing-float", "null-byte", "bad-date", "too-long-code"],
)
def test_odd_values_in_every_field_get_no_server_error(client, objects, value):  # noqa: F811
    client.force_login(User.objects.get(username="admin.provinsi"))
    client.raise_request_exception = False
    urls = page_urls(objects)
    fields = {}
    for name, url in urls.items():
        html = client.get(url).content.decode(errors="replace")
        fields[name] = set(FIELD.findall(html)) - {"csrfmiddlewaretoken", "next"}
        fields[name] = (fields[name], 'method="post"' in html)
    every_name = set().union(*(names for names, _post in fields.values()))
    assert {"regency", "q", "cooperatives", "village"} <= every_name

    failures = []
    for name, url in urls.items():
        response = client.get(url, {field: value for field in every_name})
        if response.status_code >= 500:
            failures.append(f"GET {name}: {response.status_code}")
        names, has_form = fields[name]
        if has_form and names and not any(word in name for word in NOT_POSTED):
            response = client.post(url, {field: value for field in names})
            if response.status_code >= 500:
                failures.append(f"POST {name} {sorted(names)}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "a\x00b"], ids=["huge", "superscript", "null-byte"])
def test_odd_values_in_every_admin_form_get_no_server_error(client, demo, value):
    """The admin's add and list pages of every registered model, as a superuser (all fields)."""
    from django.contrib import admin
    from django.urls import reverse

    client.force_login(
        User.objects.filter(is_superuser=True).first()
        or User.objects.create_superuser("super.uji", password="x-Sandi-123")
    )
    client.raise_request_exception = False
    failures = []
    for model in admin.site._registry:
        opts = model._meta
        for page in ("add", "changelist"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
            html = client.get(url).content.decode(errors="replace")
            names = set(FIELD.findall(html)) - {"csrfmiddlewaretoken", "next"}
            response = (
                client.get(url, {"q": value})
                if page == "changelist"
                else client.post(
                    url, {name: value for name in names if not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))}
                )
            )
            if response.status_code >= 500:
                failures.append(f"{page} {opts.label}: {response.status_code}")
    assert failures == []


def test_a_huge_id_among_people_picked_for_a_cohort_is_a_form_error(login, objects):  # noqa: F811
    from trainings.forms import StaffEnrollForm

    admin_user = User.objects.get(username="admin.provinsi")
    cohort = objects["in"]["cohort"]
    for odd in ("99999999999999999999999", "²"):
        form = StaffEnrollForm({"people": [odd]}, user=admin_user, cohort=cohort)
        assert not form.is_valid()
        assert "people" in form.errors


def test_a_nul_byte_in_the_address_is_a_bad_request_in_indonesian(login):
    client = login("staf.kotajambi")
    response = client.get("/koperasi/", {"q": "sungai\x00"})
    assert response.status_code == 400
    assert "karakter yang tidak diizinkan" in response.content.decode()
    assert client.post("/penugasan/", {"regency": "15.71\x00"}).status_code == 400
    admin = login("admin.provinsi")
    assert admin.get("/admin/cooperatives/region/15.71%00/change/").status_code == 400
    assert client.get("/koperasi/", {"q": "sungai"}).status_code == 200


def test_a_body_that_cannot_be_read_is_left_to_the_view(rf):
    """A client gone mid-upload: the NUL check steps aside (as Django's CSRF check does)."""
    from django.http import HttpResponse

    from core.middleware import RefuseNullBytesMiddleware

    class Broken:
        def read(self, *args):
            raise OSError("connection reset")

        def close(self):
            pass

    request = rf.post("/impor/", data="a=1", content_type="application/x-www-form-urlencoded")
    request._stream = Broken()
    response = RefuseNullBytesMiddleware(lambda r: HttpResponse("sampai ke view"))(request)
    assert response.content == b"sampai ke view"
