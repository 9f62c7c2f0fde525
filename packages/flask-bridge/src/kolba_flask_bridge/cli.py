"""The ``flask`` command: kolba's command line, with the bridge enabled first so ``FLASK_APP``
apps and their Flask extensions' commands (``flask db ...``) load on kolba."""

from __future__ import annotations

from . import enable


def main() -> None:
    """Run kolba's command line as ``flask`` (the console script's entry point)."""
    enable()
    from kolba.cli import cli

    cli.main(prog_name="flask")
