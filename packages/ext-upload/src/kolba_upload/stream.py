"""The reader every backend receives: it passes the upload through in chunks while counting
its size, computing its SHA-256 and stopping it at the size limit, so no backend holds a
whole file in memory and none can store more than the limit.
"""

from __future__ import annotations

import hashlib
import io
import typing as t

from .errors import UploadTooLarge

#: How much a backend reads at a time when it copies a stream itself.
CHUNK_SIZE = 1024 * 1024


class CountingReader(io.RawIOBase):
    """A read-only, non-seekable view of ``source`` that hashes and counts what passes and
    raises :class:`UploadTooLarge` as soon as more than ``limit`` bytes have been read.

    ``head`` is data already read from ``source`` (for the magic-byte check), served first.
    """

    def __init__(self, source: t.BinaryIO, limit: int | None, head: bytes = b"") -> None:
        super().__init__()
        self._source = source
        self._limit = limit
        self._head = head
        self.size = 0
        self._sha256 = hashlib.sha256()

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of what has been read so far (all of it, once read to the end)."""
        return self._sha256.hexdigest()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: t.Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            data, self._head = self._head[: len(view)], self._head[len(view) :]
        else:
            data = self._source.read(len(view))
        n = len(data)
        view[:n] = data
        self.size += n
        if self._limit is not None and self.size > self._limit:
            raise UploadTooLarge(
                f"The file is larger than the {self._limit} bytes this upload set accepts."
            )
        self._sha256.update(view[:n])
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(CHUNK_SIZE):
                chunks.append(chunk)
            return b"".join(chunks)
        # Fill the request unless the source ends: s3transfer takes a short read for the end
        # of the file, and would then send a large file as one request held in memory.
        buffer = bytearray(size)
        view = memoryview(buffer)
        filled = 0
        while filled < size:
            n = self.readinto(view[filled:])
            if not n:
                break
            filled += n
        return bytes(buffer[:filled])
