"""The README is a contract: every `sanwu COMMAND` it shows is a command that exists."""

import re
from pathlib import Path

from django.core.management import get_commands

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_command_the_readme_shows_exists():
    shown = set(re.findall(r"`sanwu ([a-z][a-z_-]*)", README.read_text(encoding="utf-8")))
    assert {"worker", "book", "demo", "backup"} <= shown
    assert sorted(shown - set(get_commands())) == []
