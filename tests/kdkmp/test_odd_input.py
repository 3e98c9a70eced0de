"""Odd input never breaks a page. Every GET page gets every field name found on any page as a
query parameter, and every page with a form gets its own fields POSTed, filled with values a
user can mistype or forge (huge ids, superscript digits, null bytes...): the answer is a page, a
form error, a redirect or a 404, never a server error. The pages come from the access matrix, so
a new page is covered as soon as it is listed there.

Not every value on every page: each field of each page gets ROUNDS of the odd values, drawn by a
generator seeded with the page's and the field's names (the same draw on every run and machine,
so a failure reproduces; the failure names the values). Each page is asked once per round, and
every kind of odd value is used in every part of the site. A NUL byte stops at the middleware's
400 before any view: it goes in one drawn field per page and method, and the answer must be that
400."""

import random
import re
from collections import Counter

import pytest

from accounts.models import User
from tests.kdkmp.test_access_matrix import FIXED_ARGS, PAGES, build_url, objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# Values that reach the views and their forms, by kind.
ODD_VALUES = {
    "huge": "99999999999999999999999",
    "negative": "-1",
    "superscript": "²",
    "overflowing-float": "1e400",
    "bad-date": "9999-99-99",
    "too-long-code": "15.71.01.1001.9",
}
NUL = "a\x00b"  # refused by the middleware, whatever the field
ROUNDS = 2  # odd values per field and page: one request per round
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
NOT_POSTED = ("delete", "resign", "cohort_action", "participant_action", "imports:confirm")  # actions, not forms
# One test per part of the site: an app with five pages or more, or "others" (home, audit...).
NAMESPACES = Counter(name.partition(":")[0] if ":" in name else "" for name in PAGES)


def area_of(name):
    namespace = name.partition(":")[0] if ":" in name else ""
    return namespace if NAMESPACES[namespace] >= 5 else "others"


AREAS = sorted({area_of(name) for name in PAGES})


def draws(where, fields):
    """{field: [kind of odd value for each round]}, drawn for this page (or admin model) and field."""
    return {field: random.Random(f"{where}|{field}").sample(sorted(ODD_VALUES), ROUNDS) for field in sorted(fields)}


def nul_field(where, fields):
    return random.Random(f"{where}|nul").choice(sorted(fields)) if fields else "q"


def page_urls(objects):  # noqa: F811
    return {
        name: build_url(name, key, objects["in"])
        for name, (method, _p, key, _b) in PAGES.items()
        if method == "GET" and not (key in FIXED_ARGS and FIXED_ARGS[key][1] != 200)
    }


_found = {}  # page name -> (its field names, has a POST form): the same in every test, read once per process


def text_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content  # files stream
    return body.decode(errors="replace")


def fields_of(client, urls):
    for name, url in urls.items():
        if name not in _found:
            html = text_of(client.get(url))
            _found[name] = (frozenset(FIELD.findall(html)) - {"csrfmiddlewaretoken", "next"}, 'method="post"' in html)
    return {name: _found[name] for name in urls}


def ask(send, where, url, fields, failures, used):
    """ROUNDS requests with the drawn odd values (no server error), then one with a NUL byte in
    one drawn field (the middleware's 400)."""
    drawn = draws(where, fields)
    data = {}
    for round_ in range(ROUNDS):
        data = {field: ODD_VALUES[kinds[round_]] for field, kinds in drawn.items()}
        used.update(kinds[round_] for kinds in drawn.values())
        status = send(url, data).status_code
        if status >= 500:
            kinds_sent = {field: kinds[round_] for field, kinds in drawn.items()}
            failures.append(f"{where} round {round_} {kinds_sent}: {status}")
    field = nul_field(where, fields)
    status = send(url, {**data, field: NUL}).status_code
    if status != 400:
        failures.append(f"{where} with a NUL byte in {field}: {status}, expected 400")


@pytest.mark.parametrize("area", AREAS)
def test_odd_values_in_every_field_get_no_server_error(client, objects, area):  # noqa: F811
    client.force_login(User.objects.get(username="admin.provinsi"))
    client.raise_request_exception = False
    urls = page_urls(objects)
    fields = fields_of(client, urls)
    every_name = set().union(*(names for names, _post in fields.values()))
    assert {"regency", "q", "cooperatives", "village"} <= every_name

    failures, used = [], set()
    pages = [name for name in urls if area_of(name) == area]
    assert pages
    for name in pages:
        ask(client.get, f"GET {name}", urls[name], every_name, failures, used)
        names, has_form = fields[name]
        if has_form and names and not any(word in name for word in NOT_POSTED):
            ask(client.post, f"POST {name}", urls[name], names, failures, used)
    assert failures == []
    assert used == set(ODD_VALUES), "every kind of odd value is tried here"


def test_odd_values_in_every_admin_form_get_no_server_error(client, demo):
    """The admin's add and list pages of every registered model, as a superuser (all fields)."""
    from django.contrib import admin
    from django.urls import reverse

    client.force_login(
        User.objects.filter(is_superuser=True).first()
        or User.objects.create_superuser("super.uji", password="x-Sandi-123")
    )
    client.raise_request_exception = False
    failures, used = [], set()
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        html = text_of(client.get(url))
        names = set(FIELD.findall(html)) - {"csrfmiddlewaretoken", "next"}
        names = {name for name in names if not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))}
        ask(client.post, f"add {opts.label}", url, names, failures, used)
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        ask(client.get, f"changelist {opts.label}", url, {"q"}, failures, used)
    assert failures == []
    assert used == set(ODD_VALUES), "every kind of odd value is tried in the admin"


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


ODD_IDS = ["99999999999999999999999", "-1", "²", "0", "tidak-ada"]


@pytest.mark.parametrize("odd", ODD_IDS)
def test_actions_and_job_pages_with_an_odd_id_are_not_found(login, odd):
    """POST actions (unlock, confirm) and the jobs' pages, with ids no one can have: a 404."""
    client = login("admin.provinsi")
    for method, path in [
        ("post", f"/pengguna/{odd}/buka-kunci/"),
        ("post", f"/impor/{odd}/konfirmasi/"),
        ("get", f"/impor/{odd}/"),
        ("get", f"/impor/{odd}/baris-gagal.xlsx"),
        ("get", f"/pekerjaan/{odd}/"),
        ("get", f"/pekerjaan/{odd}/kemajuan/"),
        ("get", f"/pekerjaan/{odd}/unduh/"),
    ]:
        status = getattr(client, method)(path).status_code
        assert status == 404, (method, path, status)
