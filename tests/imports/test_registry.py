from pathlib import Path

from django.conf import settings

from imports import registry


def test_kinds_are_registered():
    assert set(registry.KINDS) >= {"cooperatives", "board"}


def test_every_column_and_alias_is_documented():
    doc = (Path(settings.BASE_DIR) / "docs" / "imports.md").read_text()
    for cls in registry.KINDS.values():
        for column in cls.columns:
            assert f"| {column.header} |" in doc, column.header
            for alias in column.aliases:
                assert alias in doc, alias
