"""`nox -l` prints only the first line of a session's docstring, so each session's docstring is
one line: the listing then shows the whole description."""

from __future__ import annotations

import ast
from pathlib import Path

NOXFILE = Path(__file__).resolve().parents[2] / "noxfile.py"


def _sessions() -> list[ast.FunctionDef]:
    tree = ast.parse(NOXFILE.read_text(encoding="utf-8"))

    def is_session(node: ast.expr) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        return isinstance(target, ast.Attribute) and target.attr == "session"

    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any(is_session(d) for d in node.decorator_list)
    ]


def test_the_noxfile_has_sessions() -> None:
    assert {"tests", "docs", "demo"} <= {node.name for node in _sessions()}


def test_every_session_has_a_one_line_description() -> None:
    for node in _sessions():
        doc = ast.get_docstring(node)
        assert doc, f"session {node.name} has no docstring for `nox -l`"
        assert "\n" not in doc.strip(), f"`nox -l` would cut {node.name}'s description short"
