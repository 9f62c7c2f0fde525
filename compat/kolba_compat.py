"""The pytest plugin of the ``compat`` nox session: runs an upstream test suite against kolba.

It does three things, configured by the session through environment variables:

- ``KOLBA_COMPAT_ALIASES`` (``flask=kolba,flask_cors=kolba_cors``): an import hook that makes
  ``import flask.json.tag`` return the module object ``kolba.json.tag`` itself, so patching a name
  through either spelling patches the one module. Every name of an aliased module that carries the
  kolba spelling (``Kolba``, ``KolbaClient``, ``KolbaForm``) is also reachable by the upstream
  spelling (``Flask``, ``FlaskClient``, ``FlaskForm``). Warning filters that name an upstream
  module (``"flask.app"``) are given the kolba module instead, so a test that silences a warning
  raised in ``flask.app`` silences it when it comes from ``kolba.app``.
- ``KOLBA_COMPAT_EXCLUSIONS``: the suite's ``exclusions.txt``; matching tests are deselected. An
  entry that matches no collected test is an error, so the list cannot go stale; with
  ``--compat-run-excluded`` they run uncounted, to find exclusions kolba no longer needs.
- ``KOLBA_COMPAT_REPORT``: where to write the outcome counts as JSON, for the session to judge.

The hook is installed when this module is imported, which ``pytest -p kolba_compat`` does before
any conftest or test module imports the upstream names.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import types
import typing as t
import warnings
from collections.abc import Sequence
from pathlib import Path

import pytest


def _spelling(module_name: str) -> str:
    """The class-name spelling of a top-level package: ``kolba_cors`` -> ``Kolba``."""
    return module_name.split("_", 1)[0].capitalize()


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, real_name: str, upstream: str, kolba: str) -> None:
        self.real_name = real_name
        self.upstream = upstream
        self.kolba = kolba

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = importlib.import_module(self.real_name)
        self._real_spec = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamped the alias's spec onto the shared module; the module keeps
        # its own, so reloading and pkgutil still see kolba's names.
        module.__spec__ = self._real_spec
        for name in list(vars(module)):
            if self.kolba in name:
                upstream_name = name.replace(self.kolba, self.upstream)
                if not hasattr(module, upstream_name):
                    setattr(module, upstream_name, getattr(module, name))


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``upstream`` and ``upstream.sub`` as the modules ``real`` and ``real.sub``."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        top, _, rest = fullname.partition(".")
        real_top = self.aliases.get(top)
        if real_top is None:
            return None
        real_name = f"{real_top}.{rest}" if rest else real_top
        if importlib.util.find_spec(real_name) is None:
            if rest:
                # The next finders search the parent's __path__, which is kolba's: not found.
                return None
            # The unpacked sdist's own copy of the upstream package sits on sys.path: falling
            # through would quietly test it instead of kolba.
            raise ModuleNotFoundError(
                f"{fullname!r} is an alias of {real_name!r}, which is not installed",
                name=fullname,
            )
        loader = _AliasLoader(real_name, _spelling(top), _spelling(real_top))
        return importlib.util.spec_from_loader(fullname, loader)


def parse_aliases(text: str) -> dict[str, str]:
    """``"flask=kolba,flask_cors=kolba_cors"`` -> ``{"flask": "kolba", ...}``."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {upstream.strip(): real.strip() for upstream, real in pairs}


def _renaming_filterwarnings(aliases: dict[str, str]) -> t.Callable[..., None]:
    original = warnings.filterwarnings

    def filterwarnings(
        action: t.Any,
        message: str = "",
        category: type[Warning] = Warning,
        module: str = "",
        lineno: int = 0,
        append: bool = False,
    ) -> None:
        top, dot, rest = module.partition(".")
        if top in aliases:
            module = aliases[top] + dot + rest
        original(action, message, category, module, lineno, append)

    return filterwarnings


def install(aliases: dict[str, str]) -> None:
    """Put the alias finder first on ``sys.meta_path``, ahead of any upstream copy on disk, and
    let warning filters name upstream modules."""
    if not any(isinstance(finder, AliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder(aliases))
        warnings.filterwarnings = _renaming_filterwarnings(aliases)


def read_exclusions(path: Path) -> list[str]:
    """The node ids of an exclusions file: one per line, then `` # reason``."""
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines():
        node_id = line.split(" #", 1)[0].strip()
        if node_id and not node_id.startswith("#"):
            ids.append(node_id)
    return ids


def _matches(node_id: str, entry: str) -> bool:
    # An entry names a test (all its parameters), a class or a whole module.
    return node_id == entry or node_id.startswith((entry + "[", entry + "::"))


install(parse_aliases(os.environ.get("KOLBA_COMPAT_ALIASES", "")))


class _Tally:
    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        # Outcomes of excluded tests, when ``--compat-run-excluded`` runs them anyway.
        self.excluded_outcomes: dict[str, str] = {}
        self.excluded_ids: set[str] = set()
        self.excluded = 0
        self.selected = 0
        self.collection_errors: list[str] = []

    def record(self, report: pytest.TestReport) -> None:
        outcomes = self.excluded_outcomes if report.nodeid in self.excluded_ids else self.outcomes
        if outcomes.get(report.nodeid) == "failed":
            return
        if report.failed:
            outcomes[report.nodeid] = "failed"
        elif report.skipped:
            # An expected failure that fails as expected counts as a pass.
            outcomes[report.nodeid] = "passed" if hasattr(report, "wasxfail") else "skipped"
        elif report.when == "call":
            outcomes[report.nodeid] = "passed"

    def summary(self) -> dict[str, object]:
        values = list(self.outcomes.values())
        return {
            "passed": values.count("passed"),
            "failed": values.count("failed"),
            "skipped": values.count("skipped"),
            "excluded": self.excluded,
            # Fewer outcomes than selected tests means the run stopped early.
            "unreported": self.selected - len(values) - len(self.excluded_outcomes),
            "collection_errors": self.collection_errors,
            "failures": sorted(k for k, v in self.outcomes.items() if v == "failed"),
            "excluded_passing": sorted(
                k for k, v in self.excluded_outcomes.items() if v == "passed"
            ),
        }


_tally = _Tally()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--compat-run-excluded",
        action="store_true",
        help="run the excluded tests too, uncounted, and list those that pass",
    )


# First, so the stale-entry check sees every collected test, before ``-k`` or ``-m`` deselect.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    listing = os.environ.get("KOLBA_COMPAT_EXCLUSIONS")
    if not listing:
        return
    entries = read_exclusions(Path(listing))
    used: set[str] = set()
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        hits = [entry for entry in entries if _matches(item.nodeid, entry)]
        used.update(hits)
        (dropped if hits else kept).append(item)
    stale = [entry for entry in entries if entry not in used]
    # A module that failed to import hides its tests; pytest reports that failure instead.
    if stale and not _tally.collection_errors:
        raise pytest.UsageError(
            f"{listing} lists tests that the suite does not have: {', '.join(stale)}"
        )
    _tally.excluded = len(dropped)
    if config.getoption("compat_run_excluded"):
        _tally.excluded_ids = {item.nodeid for item in dropped}
    elif dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_collection_finish(session: pytest.Session) -> None:
    # Counted after every plugin (``-k``, ``-m``) has deselected what it would.
    _tally.selected = len(session.items)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _tally.collection_errors.append(report.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _tally.record(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("KOLBA_COMPAT_REPORT")
    if target:
        Path(target).write_text(json.dumps(_tally.summary(), indent=2), encoding="utf-8")
