"""Sphinx configuration for kolba's documentation: MyST Markdown pages and tested recipes."""

from __future__ import annotations

import tomllib
from pathlib import Path

DOCS = Path(__file__).parent

with (DOCS.parent / "packages" / "core" / "pyproject.toml").open("rb") as f:
    release = tomllib.load(f)["project"]["version"]

project = "kolba"
author = "The kolba developers"
copyright = "the kolba developers"
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser", "sphinx.ext.autodoc"]
add_module_names = False
source_suffix = {".md": "markdown"}
myst_heading_anchors = 3
exclude_patterns = ["_build", "**/__pycache__", "**/.pytest_cache", "**/.mypy_cache"]

html_theme = "alabaster"
html_title = f"kolba {release}"
