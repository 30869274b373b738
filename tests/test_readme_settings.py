"""The README's settings table is the one `manage.py envdocs` generates from the settings."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command

README = Path(__file__).resolve().parents[1] / "README.md"


def _table_after(text: str, heading: str) -> str:
    section = text.split(heading, 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    first = section.splitlines().index(lines[0])
    table = []
    for line in section.splitlines()[first:]:
        if not line.startswith("|"):
            break
        table.append(line.rstrip())
    return "\n".join(table)


def test_the_readme_settings_table_matches_envdocs():
    out = StringIO()
    call_command("envdocs", stdout=out)
    generated = "\n".join(line.rstrip() for line in out.getvalue().strip().splitlines())
    documented = _table_after(README.read_text(encoding="utf-8"), "## Settings")
    assert documented == generated, "README out of date: paste `manage.py envdocs` under Settings"
