"""The "Flask" distribution ``importlib.metadata`` reports while the bridge is enabled."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import typing as t
from pathlib import Path

from .names import FLASK_API_VERSION

if t.TYPE_CHECKING:
    import os


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


class FlaskDistribution(importlib.metadata.Distribution):
    """The installed "Flask" as ``importlib.metadata`` sees it while the bridge is enabled: the
    Flask API level kolba implements, with the ``flask`` console script of the bridge."""

    _METADATA = (
        "Metadata-Version: 2.1\n"
        "Name: Flask\n"
        f"Version: {FLASK_API_VERSION}\n"
        "Summary: Flask's API, provided by kolba through kolba-flask-bridge.\n"
        "Requires-Dist: kolba>=0.1\n"
    )
    _FILES = {
        "METADATA": _METADATA,
        "PKG-INFO": _METADATA,
        "entry_points.txt": "[console_scripts]\nflask = kolba_flask_bridge.cli:main\n",
        "top_level.txt": "flask\n",
    }

    def read_text(self, filename: str) -> str | None:
        return self._FILES.get(filename)

    def locate_file(self, path: str | os.PathLike[str]) -> Path:
        return Path(__file__).parent / path


def find_flask(
    context: importlib.metadata.DistributionFinder.Context | None,
) -> t.Iterator[importlib.metadata.Distribution]:
    """What the bridge's finder answers to ``importlib.metadata``: the Flask distribution when
    the query is for Flask (or for every distribution) on the interpreter's own path."""
    if context is None:
        context = importlib.metadata.DistributionFinder.Context()
    # Tools that inspect another environment (an explicit path) see its files as they are.
    if context.path is not sys.path:
        return
    if context.name is None or _normalize(context.name) == "flask":
        yield FlaskDistribution()
