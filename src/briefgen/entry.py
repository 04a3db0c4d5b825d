"""The console-script entry point: answers ``--version`` before importing anything."""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``briefgen``; ``briefgen --version`` costs no more than starting Python."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from briefgen import __version__

        sys.stdout.write(f"briefgen, version {__version__}\n")
        return
    import gc

    # Importing the command line makes tens of thousands of objects that live as long as
    # the process (modules, classes, functions). Collecting garbage while they are made,
    # and again at exit, would walk them over and over: freeze them once made instead.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from briefgen.cli import main as cli_main
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    cli_main()
