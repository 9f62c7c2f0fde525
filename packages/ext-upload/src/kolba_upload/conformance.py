"""The backend conformance suite: every storage backend, built in or third-party, passes the
same checks. Subclass :class:`StorageConformance` in a ``Test...`` class and give it a
``storage`` fixture that yields a fresh, empty :class:`kolba_upload.Storage`.
"""

from __future__ import annotations

import io
import typing as t

import pytest

from .errors import ObjectNotFound, UploadTooLarge
from .storage.base import Storage
from .stream import CountingReader

MiB = 1024 * 1024


class _FailingStream(io.RawIOBase):
    """Yields ``good`` bytes, then raises ``OSError``, like a client that disconnects."""

    def __init__(self, good: int) -> None:
        self.left = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        if self.left <= 0:
            raise OSError("the client went away")
        n = min(len(buffer), self.left)
        buffer[:n] = b"x" * n
        self.left -= n
        return n


class _PatternStream(io.RawIOBase):
    """``size`` bytes of a repeating pattern, generated as read: never in memory at once."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = bytes(range(256)) * 4096

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        n = min(len(buffer), self.left, len(self.block))
        buffer[:n] = self.block[:n]
        self.left -= n
        return n


class StorageConformance:
    """Checks every storage backend passes. Define a ``storage`` fixture returning a new,
    empty backend; set :attr:`large_size` above the backend's multipart threshold to check
    that large files stream through."""

    #: Size of the file of the streaming check.
    large_size: t.ClassVar[int] = 12 * MiB

    def _write(self, storage: Storage, key: str, data: bytes, overwrite: bool = False) -> None:
        storage.write(key, io.BytesIO(data), content_type="text/plain", overwrite=overwrite)

    def _read(self, storage: Storage, key: str) -> bytes:
        with storage.open(key) as f:
            return f.read()

    def test_written_object_reads_back(self, storage: Storage) -> None:
        self._write(storage, "a/hello.txt", b"hello")
        assert storage.exists("a/hello.txt")
        assert storage.size("a/hello.txt") == 5
        assert self._read(storage, "a/hello.txt") == b"hello"

    def test_unicode_keys_round_trip(self, storage: Storage) -> None:
        self._write(storage, "头像/照片 1.txt", "你好".encode())
        assert self._read(storage, "头像/照片 1.txt") == "你好".encode()

    def test_missing_object_does_not_exist(self, storage: Storage) -> None:
        assert not storage.exists("nothing.txt")
        with pytest.raises(ObjectNotFound):
            storage.open("nothing.txt")
        with pytest.raises(ObjectNotFound):
            storage.size("nothing.txt")

    def test_delete_removes_and_missing_delete_is_no_error(self, storage: Storage) -> None:
        self._write(storage, "gone.txt", b"x")
        storage.delete("gone.txt")
        assert not storage.exists("gone.txt")
        storage.delete("gone.txt")

    def test_write_without_overwrite_refuses_a_taken_key(self, storage: Storage) -> None:
        self._write(storage, "taken.txt", b"first")
        with pytest.raises(FileExistsError):
            self._write(storage, "taken.txt", b"second")
        assert self._read(storage, "taken.txt") == b"first"

    def test_write_with_overwrite_replaces(self, storage: Storage) -> None:
        self._write(storage, "same.txt", b"first")
        self._write(storage, "same.txt", b"second", overwrite=True)
        assert self._read(storage, "same.txt") == b"second"

    def test_failing_stream_leaves_no_object(self, storage: Storage) -> None:
        with pytest.raises(OSError):
            storage.write(
                "broken.bin",
                t.cast(t.BinaryIO, _FailingStream(self.large_size // 2)),
                content_type="application/octet-stream",
                overwrite=False,
            )
        assert not storage.exists("broken.bin")

    def test_size_limit_while_streaming_leaves_no_object(self, storage: Storage) -> None:
        reader = CountingReader(t.cast(t.BinaryIO, _PatternStream(self.large_size)), MiB)
        with pytest.raises(UploadTooLarge):
            storage.write(
                "big.bin",
                t.cast(t.BinaryIO, reader),
                content_type="application/octet-stream",
                overwrite=False,
            )
        assert not storage.exists("big.bin")

    def test_large_object_streams_through(self, storage: Storage) -> None:
        reader = CountingReader(t.cast(t.BinaryIO, _PatternStream(self.large_size)), None)
        storage.write(
            "large.bin", t.cast(t.BinaryIO, reader), content_type="application/octet-stream",
            overwrite=False,
        )  # fmt: skip
        assert storage.size("large.bin") == self.large_size
        check = CountingReader(storage.open("large.bin"), None)
        while check.read(MiB):
            pass
        assert check.sha256 == reader.sha256

    def test_url_is_a_string(self, storage: Storage) -> None:
        self._write(storage, "linked.txt", b"x")
        assert isinstance(storage.url("linked.txt"), str)
        assert isinstance(storage.url("linked.txt", expires=60), str)
