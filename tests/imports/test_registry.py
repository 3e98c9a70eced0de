from pathlib import Path

from django.conf import settings

from imports import registry


def test_kinds_are_registered():
    assert set(registry.KINDS) == {
        "cooperatives",
        "board",
        "assistants",
        "assignments",
        "participants",
        "attendance",
        "kendala",
        "progress",
    }


def test_the_command_offers_every_kind():
    from imports.management.commands.import_roster import Command

    parser = Command().create_parser("manage.py", "import_roster")
    kind = next(a for a in parser._actions if a.dest == "kind")
    assert sorted(kind.choices) == sorted(registry.KINDS)


def test_every_column_and_alias_is_documented():
    doc = (Path(settings.BASE_DIR) / "docs" / "imports.md").read_text()
    for cls in registry.KINDS.values():
        for column in cls.columns:
            assert f"| {column.header} |" in doc, column.header
            for alias in column.aliases:
                assert alias in doc, alias
