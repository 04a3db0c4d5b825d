"""The console-script entry point: answers ``--version`` before importing anything."""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``briefgen``; ``briefgen --version`` costs no more than starting Python."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from briefgen import __version__

        sys.stdout.write(f"briefgen, version {__version__}\n")
        return
    from briefgen.cli import main as cli_main

    cli_main()
