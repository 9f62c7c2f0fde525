"""Memory while a large upload streams to S3: a kolba app with kolba-upload receives a
multipart form of 200 MiB (by default) and saves it to a real ``moto_server``; the script
reports the process's resident memory before and at its peak during the upload.

Run it with the upload package and moto installed (``pip install ./packages/core
./packages/ext-upload 'moto[server]'``): ``python bench/upload_memory.py [--mib 200]``.
It exits non-zero when the peak grows by more than ``--budget-mib`` (64 by default), which
a copy of the whole file in memory would exceed.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import threading
import time
from typing import Any

from werkzeug.test import EnvironBuilder, run_wsgi_app

from kolba import Kolba, request
from kolba_upload import ALL, UploadSet, configure_uploads
from kolba_upload.testing import MotoS3

BOUNDARY = "kolba-bench-boundary"
MiB = 1024 * 1024


class MultipartBody(io.RawIOBase):
    """A ``multipart/form-data`` body with one file of ``size`` bytes, made as it is read."""

    def __init__(self, size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file";'
            f' filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        self.pos = 0
        self.block = bytes(range(256)) * 4096

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        end_of_file = len(self.head) + self.size
        if self.pos < len(self.head):
            chunk = self.head[self.pos : self.pos + len(view)]
        elif self.pos < end_of_file:
            n = min(len(view), end_of_file - self.pos, len(self.block))
            chunk = self.block[:n]
        else:
            start = self.pos - end_of_file
            chunk = self.tail[start : start + len(view)]
        view[: len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / MiB


class PeakSampler(threading.Thread):
    """Samples resident memory every 20 ms until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss_mib()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, rss_mib())


def upload(app: Kolba, size: int) -> tuple[int, Any]:
    body = MultipartBody(size)
    environ = EnvironBuilder(path="/upload", method="POST").get_environ()
    # The body is made as it is read, like a client sending it over a socket.
    environ["wsgi.input"] = body
    environ["CONTENT_LENGTH"] = str(body.length)
    environ["CONTENT_TYPE"] = f"multipart/form-data; boundary={BOUNDARY}"
    app_iter, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), json.loads(b"".join(app_iter) or b"null")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="size of the upload in MiB")
    parser.add_argument("--budget-mib", type=float, default=64.0, help="allowed peak growth")
    args = parser.parse_args()

    files = UploadSet("files", ALL)
    with MotoS3() as s3:
        app = Kolba("upload_memory_bench")
        app.config.update(s3.config("bench"))
        configure_uploads(app, files)

        @app.post("/upload")
        def save() -> Any:
            return files.save(request.files["file"]).to_dict()

        status, _ = upload(app, 6 * MiB)  # loads boto3, connects, runs one multipart upload
        assert status == 200, status
        time.sleep(0.5)
        before = rss_mib()
        sampler = PeakSampler()
        sampler.start()
        started = time.monotonic()
        status, stored = upload(app, args.mib * MiB)
        elapsed = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        assert status == 200, status
        head = s3.client().head_object(Bucket="bench", Key=stored["key"])
    growth = sampler.peak - before
    print(f"uploaded {args.mib} MiB to moto_server S3 in {elapsed:.1f} s")
    print(f"stored size {head['ContentLength'] / MiB:.0f} MiB, ETag {head['ETag']}")
    print(f"resident memory before {before:.0f} MiB, peak {sampler.peak:.0f} MiB,"
          f" growth {growth:.0f} MiB (budget {args.budget_mib:.0f} MiB)")  # fmt: skip
    return 0 if growth <= args.budget_mib else 1


if __name__ == "__main__":
    sys.exit(main())
