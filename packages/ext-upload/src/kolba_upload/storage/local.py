"""Local disk storage: ``UPLOAD_FOLDER`` (or a set's own ``folder``), files written to a
temporary name beside the target and moved into place only once complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import typing as t
import urllib.parse
from pathlib import Path

from ..errors import ObjectNotFound
from ..stream import CHUNK_SIZE
from .base import BackendSettings, Storage

if t.TYPE_CHECKING:
    from kolba import Kolba


class LocalStorage(Storage):
    """Files under one folder on the app's disk. ``url`` points at the extension's own view,
    which serves them (``UPLOAD_SERVE``) with the upload set's name in the path."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str], url_for_key: t.Callable[[str], str]):
        self.root = Path(root).resolve()
        self._url_for_key = url_for_key

    @classmethod
    def from_app(cls, app: Kolba, settings: BackendSettings) -> LocalStorage:
        from ..extension import local_url

        folder = settings.option("folder")
        if folder is None:
            base = app.config.get("UPLOAD_FOLDER") or "uploads"
            base = os.path.join(app.root_path, base)
            folder = base if settings.is_default else os.path.join(base, settings.set_name)
        elif not os.path.isabs(folder):
            folder = os.path.join(app.root_path, folder)
        base_url = settings.option("base_url")
        if base_url:
            # The files are served by another server (nginx, a CDN) at this address.
            return cls(folder, lambda key: f"{base_url.rstrip('/')}/{urllib.parse.quote(key)}")
        return cls(folder, lambda key: local_url(app, settings.set_name, key))

    def _target(self, key: str) -> Path:
        target = (self.root / key).resolve()
        # Keys are checked before they get here; this catches a symlink pointing outside.
        if not target.is_relative_to(self.root) or target == self.root:
            raise ObjectNotFound()
        return target

    def write(self, key: str, stream: t.BinaryIO, *, content_type: str, overwrite: bool) -> None:
        target = self._target(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK_SIZE)
            if overwrite:
                os.replace(tmp, target)
            else:
                # A hard link fails when the target exists, so two uploads racing for one
                # name never overwrite each other.
                os.link(tmp, target)
                os.unlink(tmp)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> t.BinaryIO:
        try:
            return self._target(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound() from None

    def delete(self, key: str) -> None:
        try:
            self._target(key).unlink()
        except FileNotFoundError:
            pass

    def exists(self, key: str) -> bool:
        return self._target(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self._target(key).stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound() from None

    def url(self, key: str, expires: int | None = None) -> str:
        return self._url_for_key(key)

    def path(self, key: str) -> str:
        return str(self._target(key))
