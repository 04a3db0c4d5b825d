"""Docs as tests: every command is in docs/commands.md with its current --help.

docs/commands.md is generated from the commands' --help. After changing a command,
regenerate it on purpose with ``BRIEFGEN_REGEN=1 python -m pytest tests/test_docs.py``
and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
from click.testing import CliRunner

from briefgen.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "commands.md"
REGEN = os.environ.get("BRIEFGEN_REGEN") == "1"

INTRO = """\
# Command reference

Every `briefgen` command and its options, as `briefgen COMMAND --help` prints them.
`briefgen --version` prints the version; `-q` (errors only) and `-v` (more detail) go
before the command: `briefgen -q check`.

Colour is used only when the output is a terminal, and never when the `NO_COLOR`
environment variable is set (`FORCE_COLOR=1` forces it, for CI logs that show colour).

## Shell completion

Commands, options and their choices complete in bash, zsh and fish. Add one line to your
shell's start-up file:

```sh
eval "$(_BRIEFGEN_COMPLETE=bash_source briefgen)"    # ~/.bashrc
eval "$(_BRIEFGEN_COMPLETE=zsh_source briefgen)"     # ~/.zshrc
_BRIEFGEN_COMPLETE=fish_source briefgen | source     # ~/.config/fish/completions/briefgen.fish
```

## Exit status

- `0`: success (`check` found no error, and with `--strict` no warning; `find` found
  the phrase).
- `1`: `check` found errors; `build` could not build a brief; `find` found near
  passages only; `add finding`, `ingest` or `init` refused and wrote nothing.
- `2`: bad usage, or an unreadable or invalid `briefgen.toml`.
- `3`: Pandoc or Typst failed.
- `70`: an internal error in briefgen (please report it).

<!-- Everything below is generated from --help: see tests/test_docs.py. -->
"""


def _commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
    return out


def _help(command: tuple[str, ...]) -> str:
    result = CliRunner().invoke(
        cli, [*command, "--help"], prog_name="briefgen", env={"COLUMNS": "90"}
    )
    assert result.exit_code == 0, result.output
    return result.stdout.rstrip() + "\n"


def reference() -> str:
    """The whole of docs/commands.md."""
    parts = [INTRO]
    for command in [(), *_commands()]:
        title = " ".join(("briefgen", *command))
        parts.append(f"\n## {title}\n\n```text\n{_help(command)}```\n")
    return "".join(parts)


def test_every_command_is_documented() -> None:
    if REGEN:
        DOC.write_text(reference(), encoding="utf-8")
    text = DOC.read_text(encoding="utf-8")
    headings = set(re.findall(r"(?m)^## (briefgen.*)$", text))
    missing = [
        " ".join(("briefgen", *c))
        for c in _commands()
        if " ".join(("briefgen", *c)) not in headings
    ]
    assert not missing, f"not in docs/commands.md: {missing}; regenerate it (see above)"


def test_the_reference_shows_the_current_help() -> None:
    text = DOC.read_text(encoding="utf-8")
    for command in [(), *_commands()]:
        title = " ".join(("briefgen", *command))
        block = f"\n## {title}\n\n```text\n{_help(command)}```\n"
        assert block in text, f"the --help of `{title}` changed; regenerate docs/commands.md"
    assert text == reference()


def test_the_ci_guide_covers_every_format_and_hook() -> None:
    text = (DOC.parent / "ci.md").read_text(encoding="utf-8")
    for needle in (
        "--format github",
        "--format junit",
        "--format sarif",
        "pre-commit",
        "briefgen-check-documents",
        "--bib",
        "Quarto",
        "R Markdown",
        "--write-baseline",
        "--baseline",
        "[severity]",
        "[per-file-severity]",
    ):
        assert needle in text, needle
