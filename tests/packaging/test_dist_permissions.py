"""The built wheels and sdists in dist/ can be read by every user, and so can the files they
install, whatever the builder's umask. Run by `nox -s packaging` after the build."""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("KOLBA_DIST", ROOT / "dist"))


def _archives() -> list[Path]:
    found = sorted(DIST.glob("*.whl")) + sorted(DIST.glob("*.tar.gz"))
    if not found:
        pytest.skip(f"no wheels or sdists in {DIST}: build them first with `nox -s wheels`")
    return found


def test_every_archive_is_world_readable() -> None:
    for archive in _archives():
        assert archive.stat().st_mode & stat.S_IROTH, f"{archive.name} is not readable by others"


def test_every_file_inside_is_world_readable() -> None:
    for archive in _archives():
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as wheel:
                modes = {i.filename: i.external_attr >> 16 for i in wheel.infolist()}
        else:
            with tarfile.open(archive) as sdist:
                modes = {m.name: m.mode for m in sdist.getmembers() if m.isfile()}
        for name, mode in modes.items():
            assert mode & stat.S_IROTH, f"{name} in {archive.name} is not readable by others"
