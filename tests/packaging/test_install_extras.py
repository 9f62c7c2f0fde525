"""Install ``kolba[cors,jwt,mail,session-redis,sqlalchemy,forms,upload]`` from the built wheels
into a clean virtualenv and check that ``kolba plugins`` lists exactly those extensions, each
with its own version.

Run by ``nox -s packaging``, which builds the wheels into dist/ first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("KOLBA_DIST", ROOT / "dist"))
EXTRAS = {
    "cors": "ext-cors",
    "jwt": "ext-jwt",
    "mail": "ext-mail",
    "session-redis": "ext-session-redis",
    "sqlalchemy": "ext-sqlalchemy",
    "forms": "ext-forms",
    "upload": "ext-upload",
}


def version_of(folder: str) -> str:
    with (ROOT / "packages" / folder / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not any(DIST.glob("kolba-*.whl")):
        pytest.fail(f"no kolba wheel in {DIST}: run `nox -s packaging` (it builds them first)")
    path = tmp_path_factory.mktemp("extras") / "venv"
    uv = shutil.which("uv")
    # Local versions are pinned so that only the wheels just built can satisfy them.
    pins = [f"kolba=={version_of('core')}"] + [
        f"kolba-{name}=={version_of(folder)}" for name, folder in EXTRAS.items()
    ]
    constraints = path.parent / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    requirement = f"kolba[{','.join(EXTRAS)}]"
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(path)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(path / "bin" / "python")]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        install = [str(path / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(
        [*install, "--find-links", str(DIST), "-c", str(constraints), requirement],
        check=True,
        timeout=600,
    )
    return path


def kolba_plugins(venv: Path, tmp_path: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [str(venv / "bin" / "kolba"), "plugins", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    listed: list[dict[str, object]] = json.loads(done.stdout)
    return listed


def test_plugins_lists_exactly_the_installed_extras(venv: Path, tmp_path: Path) -> None:
    listed = kolba_plugins(venv, tmp_path)
    assert sorted(entry["name"] for entry in listed) == sorted(EXTRAS)  # type: ignore[type-var]


def test_each_extension_reports_its_own_version(venv: Path, tmp_path: Path) -> None:
    listed = {entry["name"]: entry for entry in kolba_plugins(venv, tmp_path)}
    for name, folder in EXTRAS.items():
        assert listed[name]["distribution"] == f"kolba-{name}"
        assert listed[name]["version"] == version_of(folder)


def test_installing_does_not_enable_an_extension(venv: Path, tmp_path: Path) -> None:
    app_file = tmp_path / "app.py"
    app_file.write_text("from kolba import Kolba\n\napp = Kolba(__name__)\n")
    done = subprocess.run(
        [str(venv / "bin" / "kolba"), "--app", "app", "plugins", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    listed = {entry["name"]: entry for entry in json.loads(done.stdout)}
    assert all(listed[name]["enabled"] is False for name in EXTRAS)
