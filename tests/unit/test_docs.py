"""The README is held to the code: every command and setting a user can use is documented."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from newstrace.cli import app
from newstrace.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    import typer.main

    group = typer.main.get_group(app)
    missing = [name for name in group.commands if f"newstrace {name}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    missing = [f.name for f in fields(Settings) if f"NEWSTRACE_{f.name.upper()}" not in README]
    assert not missing, f"settings missing from README: {missing}"


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```", 2)[1]
    lines = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("sh")]
    assert len(lines) == 2
    assert "newstrace demo" in lines[0] and "pytest" in lines[1]
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in ci and ".[test]" in ci
