"""Pages go out compressed for a slow link (issue 15: 28 KB of dashboard HTML went out raw)."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_gzipped_when_the_browser_accepts_it(login):
    client = login("kepala.dinas")
    raw = client.get(reverse("home"))
    packed = client.get(reverse("home"), headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert len(packed.content) < len(raw.content) / 3
    assert b"</html>" in html
