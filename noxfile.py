"""Every check the project runs: tests per package, lint, types, docs, compat, plus bench, demo and
wheels.

`python3 -m nox` runs the default sessions; `python3 -m nox -l` lists them all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent
PACKAGES_DIR = ROOT / "packages"
COMPAT_DIR = ROOT / "compat"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = [
    "tests",
    "tests-sqlalchemy20",
    "lint",
    "types",
    "docs",
    "packaging",
    "fuzz",
    "compat",
]


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


def _ensure_debian_packages(
    session: nox.Session, package: str, listing: Path | None = None
) -> None:
    """Install the Debian packages a package's tests need (its tests/apt.txt, or `listing`):
    the services the tests start themselves, such as redis-server or chromium."""
    listing = listing or PACKAGES_DIR / package / "tests" / "apt.txt"
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


#: The oldest SQLAlchemy line kolba-sqlalchemy supports; `tests(ext-sqlalchemy)` runs the newest.
SQLALCHEMY_20 = "sqlalchemy[asyncio]==2.0.58"


@nox.session(name="tests-sqlalchemy20")
def tests_sqlalchemy20(session: nox.Session) -> None:
    """kolba-sqlalchemy's tests on SQLite against SQLAlchemy 2.0, the older series it supports."""
    # The PostgreSQL runs and the mypy test stay with `tests(ext-sqlalchemy)`, to keep this cheap.
    package = "ext-sqlalchemy"
    session.install(*_local_closure(package), "-r", "requirements/tests.txt")
    session.install("-r", f"packages/{package}/tests/requirements.txt")
    # Separately, so it replaces the newest release the package's test pins bring in.
    session.install(SQLALCHEMY_20)
    session.run(
        "pytest",
        f"packages/{package}/tests",
        "-k",
        "not postgresql and not typing",
        *session.posargs,
        success_codes=[0],
    )


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
    """Build the Sphinx site (-W); test the recipes, the docs' claims and the demo (in Chromium)."""
    for package in PACKAGES:
        _ensure_debian_packages(session, package)
    _ensure_debian_packages(session, "the demo", ROOT / "examples" / "demo" / "apt.txt")
    # The sample extension of the "write your own extension" recipe is installed too, so its
    # conformance checks that need package metadata run here.
    session.install(
        *_all_packages(),
        "./docs/recipes/write-an-extension/kolba-greeting",
        "-r",
        "requirements/docs.txt",
        "-r",
        "examples/demo/requirements.txt",
    )
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", "docs/_build/html")
    targets = ["tests/docs", "examples/demo"]
    if any((ROOT / "docs" / "recipes").glob("*/test_*.py")):
        targets.insert(0, "docs/recipes")
    session.run("pytest", *targets, *session.posargs, success_codes=[0])


@nox.session
def fuzz(session: nox.Session) -> None:
    """Fail on any 5xx or traceback from thousands of malformed requests to an app on gunicorn."""
    # FUZZ_COUNT and FUZZ_SEED (environment) tune the run.
    session.install("./packages/core", "-r", "requirements/fuzz.txt")
    session.run("pytest", "tests/fuzz", "-s", *session.posargs, success_codes=[0])


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
def bench_floors(session: nox.Session) -> None:
    """The hello, upload and 50-item jsonify targets next to the floors no framework goes below."""
    session.install("./packages/core", "-r", "requirements/bench.txt")
    session.run("python", "bench/floors.py", *session.posargs)


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
    """Serve the demo app (all seven extensions) on http://127.0.0.1:5000 until interrupted."""
    session.install(*_all_packages(), "-r", "examples/demo/requirements.txt")
    session.run(
        "kolba", "--app", "examples/demo/app.py", "run", "--host", "127.0.0.1", "--port", "5000"
    )


def _build_dists(session: nox.Session) -> None:
    shutil.rmtree(ROOT / "dist", ignore_errors=True)
    for name in PACKAGES:
        session.run("uv", "build", "-q", "--out-dir", "dist", f"packages/{name}")
    # The archives take the builder's umask (0600 under umask 077); others install from dist/ too.
    (ROOT / "dist").chmod(0o755)
    for built in (ROOT / "dist").iterdir():
        built.chmod(0o644)


@nox.session(venv_backend="uv")
def wheels(session: nox.Session) -> None:
    """Build every package's wheel and sdist into dist/."""
    _build_dists(session)


@nox.session(venv_backend="uv")
def packaging(session: nox.Session) -> None:
    """Build the wheels, install kolba with extras from them in a clean venv, check its plugins."""
    _build_dists(session)
    session.install("-r", "requirements/tests.txt", "-r", "requirements/nox.txt")
    session.run(
        "pytest", "tests/packaging", *session.posargs, env={"KOLBA_DIST": str(ROOT / "dist")}
    )


# Suite folder name (the session parameter id) -> its suite.toml.
COMPAT_SUITES = {
    path.parent.name: tomllib.loads(path.read_text(encoding="utf-8"))
    for path in sorted(COMPAT_DIR.glob("*/suite.toml"))
}
#: Share of the non-excluded tests of a compat suite that must pass.
COMPAT_PASS_RATE = 0.97


def _download_sdist(session: nox.Session, requirement: str, into: Path) -> Path:
    """Fetch one pinned sdist through pip's configured index and unpack it under `into`."""
    session.run(
        "python", "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
        "--dest", str(into), requirement,
    )  # fmt: skip
    (archive,) = into.glob("*.tar.gz")
    shutil.unpack_archive(archive, into / "src")
    (unpacked,) = (into / "src").iterdir()
    return unpacked


@nox.session
@nox.parametrize("suite", list(COMPAT_SUITES), ids=list(COMPAT_SUITES))
def compat(session: nox.Session, suite: str) -> None:
    """Run an upstream project's test suite against kolba, failing below 97% passed."""
    spec = COMPAT_SUITES[suite]
    folder = COMPAT_DIR / suite
    session.install(
        "-r", "requirements/compat.txt", *spec.get("install", []), *spec.get("extra", [])
    )
    with tempfile.TemporaryDirectory(prefix=f"kolba-compat-{suite}-") as scratch:
        work = Path(scratch)
        upstream = _download_sdist(session, spec["sdist"], work / "download")
        plugins = work / "plugins"
        plugins.mkdir()
        shutil.copy(COMPAT_DIR / "kolba_compat.py", plugins)
        args = ["-p", "kolba_compat"]
        if (folder / "conftest_extra.py").is_file():
            shutil.copy(folder / "conftest_extra.py", plugins / "kolba_compat_extra.py")
            args += ["-p", "kolba_compat_extra"]
        report = work / "report.json"
        aliases = ",".join(f"{name}={real}" for name, real in spec["aliases"].items())
        env = {
            "PYTHONPATH": str(plugins),
            "KOLBA_COMPAT_ALIASES": aliases,
            "KOLBA_COMPAT_REPORT": str(report),
        }
        if (folder / "exclusions.txt").is_file():
            env["KOLBA_COMPAT_EXCLUSIONS"] = str(folder / "exclusions.txt")
        # Failing tests are expected below the threshold (exit code 1); anything else, such as a
        # usage error from a stale exclusion, stops the session.
        with session.chdir(upstream):
            session.run(
                "pytest", "-q", "-p", "no:cacheprovider", *args, spec.get("tests", "tests"),
                *session.posargs, env=env, success_codes=[0, 1],
            )  # fmt: skip
        counts = json.loads(report.read_text(encoding="utf-8"))
    _judge(session, suite, counts)


def _judge(session: nox.Session, suite: str, counts: dict[str, Any]) -> None:
    passed, failed = counts["passed"], counts["failed"]
    ran = passed + failed
    rate = passed / ran if ran else 0.0
    session.log(
        f"compat({suite}): {passed} passed, {failed} failed, {counts['excluded']} excluded,"
        f" {counts['skipped']} skipped; {rate:.1%} of {ran} passed"
        f" (needs {COMPAT_PASS_RATE:.0%})"
    )
    for node_id in counts["failures"]:
        session.log(f"  failed: {node_id}")
    for node_id in counts["excluded_passing"]:
        session.log(f"  excluded but passes: {node_id}")
    if counts["unreported"]:
        session.error(f"compat({suite}): the run stopped before {counts['unreported']} tests ran")
    if counts["collection_errors"]:
        session.error(
            f"compat({suite}): these could not be collected, so their tests went uncounted: "
            + ", ".join(counts["collection_errors"])
        )
    if rate < COMPAT_PASS_RATE:
        session.error(f"compat({suite}): {rate:.1%} passed, below {COMPAT_PASS_RATE:.0%}")
