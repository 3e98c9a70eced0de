"""Every form page has a way back without saving (issue 15): each page of the access matrix
drawn with one of the shared form templates offers "Batal" to the page it is about."""

import re

import pytest

from accounts.models import User
from tests.kdkmp.test_access_matrix import FIXED_ARGS, PAGES, build_url, objects  # noqa: F401

pytestmark = pytest.mark.django_db
FORM_TEMPLATES = {"cooperatives/form.html", "trainings/form.html", "assistants/operation_form.html"}


@pytest.mark.parametrize("role", ["admin.provinsi", "staf.kotajambi"])
def test_every_form_page_has_a_cancel_link(client, objects, role):  # noqa: F811
    client.force_login(User.objects.get(username=role))
    forms, missing = 0, []
    for name, (method, _permission, key, _ba_sees) in PAGES.items():
        if method != "GET" or (key in FIXED_ARGS and FIXED_ARGS[key][1] != 200):
            continue
        response = client.get(build_url(name, key, objects["in"]))
        if response.status_code != 200 or not {t.name for t in response.templates} & FORM_TEMPLATES:
            continue
        forms += 1
        html = response.content.decode()
        link = re.search(r'<a href="([^"]+)" id="cancel-link">', html)
        if link is None or client.get(link.group(1).replace("&amp;", "&")).status_code != 200:
            missing.append(name)
    assert forms >= 10 and missing == []
