"""The storage backend interface every backend implements (local disk, S3, Qiniu and any a
third party registers), and the object ``save`` returns.
"""

from __future__ import annotations

import abc
import dataclasses
import typing as t

if t.TYPE_CHECKING:
    from kolba import Kolba


@dataclasses.dataclass(frozen=True)
class BackendSettings:
    """What a backend factory gets besides the app: which upload set it serves and that
    set's options from ``UPLOAD_SETS`` (``folder``, ``key_prefix``, ``bucket`` ...)."""

    set_name: str
    options: t.Mapping[str, t.Any] = dataclasses.field(default_factory=dict)
    #: True for the set named ``files`` that ``Uploads.save`` uses; it stores at the root.
    is_default: bool = False

    def option(self, name: str, default: t.Any = None) -> t.Any:
        """The set's own option ``name``, else ``default``."""
        return self.options.get(name, default)


class Storage(abc.ABC):
    """Where an upload set keeps its files. Keys are relative: safe segments joined with
    ``/``, already checked by the caller; the backend adds its own folder or prefix.

    Rules every implementation follows, checked by
    :class:`kolba_upload.conformance.StorageConformance`:

    - ``write`` copies ``stream`` to the end in chunks, never reading it whole; if reading
      or storing fails, nothing is left under ``key`` and the error propagates (a backend
      failure as :class:`kolba_upload.StorageUnavailable`);
    - ``write`` with ``overwrite=False`` raises :class:`FileExistsError` when ``key`` is
      taken, without touching the stored object;
    - ``delete`` of a missing key is no error; ``open`` of one raises
      :class:`kolba_upload.ObjectNotFound`.
    """

    #: The name the backend is registered under (``local``, ``s3``, ``qiniu``).
    name: t.ClassVar[str] = ""

    @abc.abstractmethod
    def write(self, key: str, stream: t.BinaryIO, *, content_type: str, overwrite: bool) -> None:
        """Store everything ``stream`` yields under ``key``."""

    @abc.abstractmethod
    def open(self, key: str) -> t.BinaryIO:
        """A binary file object reading the stored object."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a missing one is no error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    @abc.abstractmethod
    def size(self, key: str) -> int:
        """The stored object's size in bytes; :class:`ObjectNotFound` when missing."""

    @abc.abstractmethod
    def url(self, key: str, expires: int | None = None) -> str:
        """A URL a browser can fetch the object from; signed for ``expires`` seconds where
        the backend signs URLs (S3, a private Qiniu bucket)."""

    def exists_probe(self) -> None:
        """Raise when the storage cannot be used (for ``kolba doctor``): by default, look up
        a key that is never stored."""
        self.exists(".kolba-upload-health-check")

    def path(self, key: str) -> str:
        """The local file path of the object; only local storage has one."""
        raise NotImplementedError(f"The {self.name} backend keeps no local files.")

    def direct_upload(
        self, key: str, *, content_type: str | None, max_size: int | None, expires: int
    ) -> dict[str, t.Any]:
        """Where a browser sends the file itself: ``{"method", "url", "fields"}``."""
        raise NotImplementedError(f"The {self.name} backend takes no direct uploads.")


#: The signature of a backend factory registered with ``register("storage", name, factory)``.
StorageFactory = t.Callable[["Kolba", BackendSettings], Storage]
