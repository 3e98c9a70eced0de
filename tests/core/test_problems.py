"""One message per rule's problem code, whichever door meets it."""

import pytest
from django.utils import translation

from assistants import services as assistant_services
from core import problems
from core.problems import Problem
from imports.messages import message


def test_a_code_has_one_home():
    with pytest.raises(ValueError):
        problems.register({"not_a_ba": "another wording"})


def test_the_import_words_a_rule_code_as_the_pages_do():
    params = {"assistant": "Sari", "cooperative": "KDMP Talang Banjar", "area": "Kota Jambi"}
    with translation.override("id"):
        page = str(Problem("not_a_ba", params).message)
        row = message("not_a_ba", **params)
    assert page == row
    assert "Sari" in row and "bukan Business Assistant" in row


def test_every_assignment_rule_code_is_translated():
    params = {
        "assistant": "Sari",
        "other": "Budi",
        "cooperative": "KDMP X",
        "area": "Kota Jambi",
        "end": "1 Oktober 2025",
        "load": 10,
        "capacity": 10,
    }
    with translation.override("id"):
        for code, english in assistant_services.RULE_MESSAGES.items():
            text = problems.describe(code, params)
            with translation.override("en"):
                assert text != problems.describe(code, params), f"{code} has no Indonesian text"
            assert english  # registered
