"""One button style: the primary action is red (btn-danger, the program's colour), everything
else is outlined grey (btn-outline-secondary, or btn-secondary for the chosen tab), links that
cancel are btn-link. The navbar's own buttons on the dark bar (log out, the language "Go") are the exception."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ALLOWED = {"btn-danger", "btn-outline-secondary", "btn-secondary", "btn-link", "btn-sm", "btn-lg"}
EXCEPTIONS = {("base.html", "btn-light"), ("base.html", "btn-outline-light")}


def test_every_template_uses_the_one_button_style():
    odd = []
    for path in TEMPLATES.rglob("*.html"):
        for style in set(re.findall(r"\bbtn-[a-z-]+", path.read_text())):
            name = str(path.relative_to(TEMPLATES))
            if style not in ALLOWED and (name, style) not in EXCEPTIONS and not style.startswith("btn-close"):
                odd.append(f"{name}: {style}")
    assert odd == []
