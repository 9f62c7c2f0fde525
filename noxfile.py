"""Every check the project runs: tests per package, lint, types, docs, plus bench, demo and wheels.

`python3 -m nox` runs the default sessions; `python3 -m nox -l` lists them all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent
PACKAGES_DIR = ROOT / "packages"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "types", "docs", "packaging"]


def _read_project(folder: Path) -> dict[str, Any]:
    with (folder / "pyproject.toml").open("rb") as f:
        project: dict[str, Any] = tomllib.load(f)["project"]
    return project


# Folder name (the session parameter id) -> [project] table of that folder's pyproject.toml.
PACKAGES = {
    path.parent.name: _read_project(path.parent)
    for path in sorted(PACKAGES_DIR.glob("*/pyproject.toml"))
}
DIST_TO_FOLDER = {canonicalize_name(p["name"]): folder for folder, p in PACKAGES.items()}


def _local_closure(folder: str) -> list[str]:
    """The package in `folder` and every in-repo package it depends on, as install paths.

    Installing a sibling from its folder keeps `kolba>=X.Y` in an extension's dependencies from
    being resolved against an index, so an extension is always tested against this tree's core.
    """
    seen: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        for dep in PACKAGES[current].get("dependencies", []):
            sibling = DIST_TO_FOLDER.get(canonicalize_name(Requirement(dep).name))
            if sibling is not None:
                pending.append(sibling)
    return [f"./packages/{name}" for name in seen]


def _all_packages() -> list[str]:
    return [f"./packages/{name}" for name in PACKAGES]


def _src_folders() -> list[str]:
    return [f"packages/{name}/src" for name in PACKAGES]


def _missing_debian_packages(names: list[str]) -> list[str]:
    missing = []
    for name in names:
        probe = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
        )
        if "install ok installed" not in probe.stdout:
            missing.append(name)
    return missing


def _ensure_debian_packages(session: nox.Session, package: str) -> None:
    """Install the Debian packages a package's tests need (its tests/apt.txt): the services
    the tests start themselves, such as redis-server or chromium."""
    listing = PACKAGES_DIR / package / "tests" / "apt.txt"
    if not listing.is_file():
        return
    names = [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    if not names or shutil.which("dpkg-query") is None:
        return
    missing = _missing_debian_packages(names)
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.error(
            f"{package}'s tests need the Debian packages {', '.join(missing)}; install them"
            " (as root: apt-get install -y ...) and run again."
        )
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        *missing,
        external=True,
        env=env,
    )


@nox.session
@nox.parametrize("package", list(PACKAGES), ids=list(PACKAGES))
def tests(session: nox.Session, package: str) -> None:
    """Run one package's tests against that package alone, installed from its folder."""
    _ensure_debian_packages(session, package)
    session.install(*_local_closure(package), "-r", "requirements/tests.txt")
    extra = PACKAGES_DIR / package / "tests" / "requirements.txt"
    if extra.is_file():
        session.install("-r", str(extra.relative_to(ROOT)))
    # The outer environment (CI among it) reaches pytest unchanged, so fixtures can fail instead of
    # skipping when a service is missing. Only exit code 0 passes: 5 (no tests collected) fails.
    session.run("pytest", f"packages/{package}/tests", *session.posargs, success_codes=[0])


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's lint rules and its formatter, in check mode, over the whole repository."""
    session.install("-r", "requirements/lint.txt")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def types(session: nox.Session) -> None:
    """mypy (strict, configured in pyproject.toml) over every package's source."""
    session.install(*_all_packages(), "-r", "requirements/types.txt")
    session.run("mypy", *_src_folders())


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors, then test the recipes and the demo app."""
    for package in PACKAGES:
        _ensure_debian_packages(session, package)
    # The sample extension of the "write your own extension" recipe is installed too, so its
    # conformance checks that need package metadata run here.
    session.install(
        *_all_packages(),
        "./docs/recipes/write-an-extension/kolba-greeting",
        "-r",
        "requirements/docs.txt",
    )
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    targets = ["examples/demo"]
    if any((ROOT / "docs" / "recipes").glob("*/test_*.py")):
        targets.insert(0, "docs/recipes")
    session.run("pytest", *targets, *session.posargs, success_codes=[0])


@nox.session
def bench(session: nox.Session) -> None:
    """Time kolba against Flask in one process; `nox -s bench -- --quick` for a smoke run."""
    session.install("./packages/core", "-r", "requirements/bench.txt")
    session.run("python", "bench/bench.py", *session.posargs)


@nox.session
def bench_callgrind(session: nox.Session) -> None:
    """Instructions per request of kolba and Flask under callgrind (needs valgrind)."""
    session.install("./packages/core", "-r", "requirements/bench.txt")
    session.run("python", "bench/callgrind.py", *session.posargs)


@nox.session
def bench_http(session: nox.Session) -> None:
    """kolba and Flask over HTTP behind gunicorn and granian, loaded by wrk on 127.0.0.1."""
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", "wrk", external=True, env=env)
    session.install("./packages/core", "-r", "requirements/bench-http.txt")
    session.run("python", "bench/load.py", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Serve the demo app on http://127.0.0.1:5000 until interrupted."""
    session.install("./packages/core", "./packages/ext-mail")
    session.run(
        "kolba", "--app", "examples/demo/app.py", "run", "--host", "127.0.0.1", "--port", "5000"
    )


def _build_dists(session: nox.Session) -> None:
    shutil.rmtree(ROOT / "dist", ignore_errors=True)
    for name in PACKAGES:
        session.run("uv", "build", "-q", "--out-dir", "dist", f"packages/{name}")


@nox.session(venv_backend="uv")
def wheels(session: nox.Session) -> None:
    """Build every package's wheel and sdist into dist/."""
    _build_dists(session)


@nox.session(venv_backend="uv")
def packaging(session: nox.Session) -> None:
    """Build the wheels, then install kolba with extras from them into a clean virtualenv and
    check what `kolba plugins` lists."""
    _build_dists(session)
    session.install("-r", "requirements/tests.txt", "-r", "requirements/nox.txt")
    session.run(
        "pytest", "tests/packaging", *session.posargs, env={"KOLBA_DIST": str(ROOT / "dist")}
    )
