"""Library strings the project words again in Indonesian (kdkmp/library_strings.py)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_told_once_in_indonesian(client, demo):
    response = client.post(reverse("login"), {"username": "staf.kotajambi", "password": "salah"})
    html = response.content.decode()
    assert "kata sandi yang benar" in html
    assert "nama pengguna nama pengguna" not in html.lower()


def test_the_pager_is_indonesian(login):
    html = login("kepala.dinas").get(reverse("cooperatives:list")).content.decode()
    assert "berikutnya" in html
    assert re.search(r">\s*next\b", html) is None  # the pager's word, not its CSS class
