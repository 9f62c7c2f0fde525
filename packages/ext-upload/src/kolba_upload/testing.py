"""Test kit for apps and backends using kolba-upload: a real ``moto_server`` S3 on 127.0.0.1,
a Qiniu stand-in that implements form upload, stat, delete and downloads and verifies every
token with the access and secret key, and a broken S3 that fails or hangs on purpose.

Each server is a context manager; the ``moto_s3`` and ``qiniu_stand_in`` pytest fixtures at
the end start one per test module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import typing as t
import urllib.parse

import pytest
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from kolba.pytest_plugin import free_port, service_unavailable


def _wait_for_port(port: int, timeout: float, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class MotoS3:
    """A ``moto_server`` process serving S3 on 127.0.0.1 at a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MotoS3:
        command = shutil.which("moto_server", path=os.path.dirname(sys.executable))
        command = command or shutil.which("moto_server")
        if command is None:
            service_unavailable(
                "moto_server is not installed; pip install 'moto[server]' (see the package's"
                " tests/requirements.txt)"
            )
        self.process = subprocess.Popen(
            [command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not _wait_for_port(self.port, 30, self.process):
            self.__exit__()
            service_unavailable("moto_server did not start within 30 s")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self) -> t.Any:
        """A boto3 S3 client for this server (test credentials)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def config(self, bucket: str) -> dict[str, t.Any]:
        """App config for kolba-upload storing in ``bucket`` here (created if missing)."""
        client = self.client()
        try:
            client.create_bucket(Bucket=bucket)
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
        return {
            "UPLOAD_BACKEND": "s3",
            "UPLOAD_S3_BUCKET": bucket,
            "UPLOAD_S3_REGION": "us-east-1",
            "UPLOAD_S3_ENDPOINT_URL": self.endpoint_url,
            "UPLOAD_S3_ACCESS_KEY_ID": "testing",
            "UPLOAD_S3_SECRET_ACCESS_KEY": "testing",
            "UPLOAD_S3_ADDRESSING_STYLE": "path",
        }


class _Served:
    """A WSGI app served on 127.0.0.1 at a free port from a thread."""

    server: BaseWSGIServer

    def _start(self, wsgi: t.Callable[..., t.Any]) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _sign(secret_key: str, data: bytes) -> str:
    return _b64(hmac.new(secret_key.encode(), data, hashlib.sha1).digest())


def qiniu_etag(data: bytes) -> str:
    """Qiniu's ``hash`` of a file: SHA-1 of each 4 MiB block, as Qiniu documents it."""
    block = 4 * 1024 * 1024
    blocks = [data[i : i + block] for i in range(0, len(data), block)] or [b""]
    sums = [hashlib.sha1(b).digest() for b in blocks]
    if len(sums) == 1:
        return _b64(b"\x16" + sums[0])
    return _b64(b"\x96" + hashlib.sha1(b"".join(sums)).digest())


class QiniuStandIn(_Served):
    """A stand-in for Qiniu's upload, management and download hosts, all on one port.

    - ``POST /`` is the form upload: it checks the upload token's signature against
      ``secret_key``, its deadline, its scope (bucket and key) and its ``insertOnly`` and
      ``fsizeLimit`` rules, then stores the file and answers ``{"key", "hash"}``.
    - ``POST /stat/<entry>`` and ``POST /delete/<entry>`` check the ``Qiniu`` management
      signature of the request.
    - ``GET /<key>`` downloads; in a private bucket only with a valid ``e``/``token``.

    ``fail_with`` (a status code) makes every request fail until reset; ``delay`` (seconds)
    makes every request wait first, to test timeouts. ``objects`` holds what is stored.
    """

    def __init__(
        self, access_key: str = "test-ak", secret_key: str = "test-sk", bucket: str = "kolba"
    ) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.bucket = bucket
        self.private = False
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.fail_with: int | None = None
        self.delay = 0.0
        self.requests: list[str] = []

    def __enter__(self) -> QiniuStandIn:
        self._start(self.wsgi)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

    def config(self) -> dict[str, t.Any]:
        """App config for kolba-upload storing on this stand-in."""
        return {
            "UPLOAD_BACKEND": "qiniu",
            "UPLOAD_QINIU_ACCESS_KEY": self.access_key,
            "UPLOAD_QINIU_SECRET_KEY": self.secret_key,
            "UPLOAD_QINIU_BUCKET": self.bucket,
            "UPLOAD_QINIU_DOMAIN": self.url,
            "UPLOAD_QINIU_UP_HOST": self.url,
            "UPLOAD_QINIU_RS_HOST": self.url,
        }

    @staticmethod
    def _error(status: int, message: str) -> Response:
        return Response(json.dumps({"error": message}), status, mimetype="application/json")

    def wsgi(self, environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        request = Request(environ)
        self.requests.append(f"{request.method} {request.path}")
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with is not None:
            response = self._error(self.fail_with, "stand-in failure")
        elif request.method == "POST" and request.path == "/":
            response = self._form_upload(request)
        elif request.method == "POST" and request.path.startswith(("/stat/", "/delete/")):
            response = self._manage(request)
        elif request.method == "GET":
            response = self._download(request)
        else:
            response = self._error(405, "method not allowed")
        # The SDK takes a response without a request id for one from a proxy, not Qiniu.
        response.headers["X-Reqid"] = os.urandom(8).hex()
        return response(environ, start_response)

    def _policy(self, token: str) -> dict[str, t.Any] | None:
        try:
            access_key, sign, encoded = token.split(":")
        except ValueError:
            return None
        if access_key != self.access_key:
            return None
        if not hmac.compare_digest(sign, _sign(self.secret_key, encoded.encode())):
            return None
        try:
            return t.cast(dict[str, t.Any], json.loads(base64.urlsafe_b64decode(encoded)))
        except ValueError:
            return None

    def _form_upload(self, request: Request) -> Response:
        policy = self._policy(request.form.get("token", ""))
        if policy is None:
            return self._error(401, "bad token")
        if policy.get("deadline", 0) < time.time():
            return self._error(401, "token out of date")
        bucket, _, scoped_key = policy["scope"].partition(":")
        key = request.form.get("key", "")
        if bucket != self.bucket:
            return self._error(631, "no such bucket")
        if scoped_key and scoped_key != key:
            return self._error(403, "key doesn't match with scope")
        upload = request.files.get("file")
        if upload is None:
            return self._error(400, "file is not specified in multipart")
        data = upload.read()
        limit = policy.get("fsizeLimit")
        if limit is not None and len(data) > limit:
            return self._error(413, "request entity too large")
        # Without a key in the scope, Qiniu never overwrites; insertOnly says the same.
        if key in self.objects and (policy.get("insertOnly") or not scoped_key):
            return self._error(614, "file exists")
        self.objects[key] = (data, upload.mimetype or "application/octet-stream")
        return Response(json.dumps({"key": key, "hash": qiniu_etag(data)}), 200,
                        mimetype="application/json")  # fmt: skip

    def _manage_signature_ok(self, request: Request) -> bool:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Qiniu "):
            return False
        access_key, _, sign = auth[len("Qiniu ") :].partition(":")
        path = request.full_path.rstrip("?") if request.query_string else request.path
        data = f"{request.method} {path}\nHost: {request.host}"
        content_type = request.headers.get("Content-Type")
        if content_type:
            data += f"\nContent-Type: {content_type}"
        qiniu_headers = sorted(
            (k.title(), v) for k, v in request.headers.items() if k.lower().startswith("x-qiniu-")
        )
        if qiniu_headers:
            data += "\n" + "\n".join(f"{k}: {v}" for k, v in qiniu_headers)
        data += "\n\n"
        body = request.get_data()
        if content_type and content_type != "application/octet-stream" and body:
            data += body.decode()
        expected = _sign(self.secret_key, data.encode())
        return access_key == self.access_key and hmac.compare_digest(sign, expected)

    def _manage(self, request: Request) -> Response:
        if not self._manage_signature_ok(request):
            return self._error(401, "bad token")
        action, _, entry = request.path[1:].partition("/")
        try:
            bucket, _, key = base64.urlsafe_b64decode(entry).decode().partition(":")
        except ValueError:
            return self._error(400, "bad entry")
        if bucket != self.bucket:
            return self._error(631, "no such bucket")
        if key not in self.objects:
            return self._error(612, "no such file or directory")
        data, mime = self.objects[key]
        if action == "delete":
            del self.objects[key]
            return Response("{}", 200, mimetype="application/json")
        stat = {"fsize": len(data), "hash": qiniu_etag(data), "mimeType": mime,
                "putTime": time.time_ns() // 100}  # fmt: skip
        return Response(json.dumps(stat), 200, mimetype="application/json")

    def _download(self, request: Request) -> Response:
        key = urllib.parse.unquote(request.path[1:])
        if self.private:
            url = request.url
            base, sep, token = url.rpartition("&token=")
            deadline = request.args.get("e", "0")
            access_key, _, sign = token.partition(":")
            if (
                not sep
                or access_key != self.access_key
                or not hmac.compare_digest(sign, _sign(self.secret_key, base.encode()))
                or int(deadline) < time.time()
            ):
                return self._error(401, "bad token")
        if key not in self.objects:
            return self._error(404, "not found")
        data, mime = self.objects[key]
        return Response(data, 200, mimetype=mime)


class BrokenS3(_Served):
    """An S3 endpoint that answers every request with ``status`` and an S3 error ``code``,
    or with ``hang=True`` accepts connections and never answers."""

    def __init__(self, status: int = 500, code: str = "InternalError", hang: bool = False):
        self.status = status
        self.code = code
        self.hang = hang
        self.release = threading.Event()

    def __enter__(self) -> BrokenS3:
        self._start(self.wsgi)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self._stop()

    def wsgi(self, environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        Request(environ).get_data()
        if self.hang:
            self.release.wait(60)
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{self.code}</Code>"
            f"<Message>stand-in failure</Message></Error>"
        )
        return Response(body, self.status, mimetype="application/xml")(environ, start_response)

    def config(self, bucket: str = "broken") -> dict[str, t.Any]:
        """App config pointing kolba-upload's S3 storage here."""
        return {
            "UPLOAD_BACKEND": "s3",
            "UPLOAD_S3_BUCKET": bucket,
            "UPLOAD_S3_REGION": "us-east-1",
            "UPLOAD_S3_ENDPOINT_URL": self.url,
            "UPLOAD_S3_ACCESS_KEY_ID": "testing",
            "UPLOAD_S3_SECRET_ACCESS_KEY": "testing",
            "UPLOAD_S3_ADDRESSING_STYLE": "path",
            "UPLOAD_S3_MAX_ATTEMPTS": 1,
            "UPLOAD_TIMEOUT": 1.0,
        }


@pytest.fixture(scope="module")
def moto_s3() -> t.Iterator[MotoS3]:
    """A ``moto_server`` for the test module; fails under CI, skips elsewhere, if missing."""
    with MotoS3() as server:
        yield server


@pytest.fixture(scope="module")
def qiniu_stand_in() -> t.Iterator[QiniuStandIn]:
    """A :class:`QiniuStandIn` for the test module."""
    with QiniuStandIn() as server:
        yield server
